#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# The cmdlets against servers other than OpenAI's: Azure OpenAI (api-key header, /openai/v1) and a
# gateway in front of another provider (its own header, sizes, durations and statuses).

BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    Import-Module (Join-Path $root 'out/SoraPS/SoraPS.psd1') -Force -ErrorAction Stop
    Import-Module (Join-Path $root 'src/SoraPS.Emulator/EmulatorProcess.psm1') -Force
    $script:work = Join-Path ([System.IO.Path]::GetTempPath()) ("sorapscompat" + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory $work

    # Create, wait, list, save, remix and delete through the cmdlets; returns the finished job.
    function script:Invoke-Workflow([hashtable] $Create, [string] $Folder) {
        $done = New-SoraVideo @Create | Wait-SoraVideo -PollIntervalSec 0.1 -ErrorAction Stop
        $done.Status | Should -Be 'completed'
        (Get-SoraVideo -Limit 100).Id | Should -Contain $done.Id
        $file = $done | Save-SoraVideoContent -Path $Folder -PassThru
        $file.Length | Should -BeGreaterThan 1000
        ($done | Invoke-SoraRemix -Prompt 'The same scene at dawn').RemixedFromVideoId | Should -Be $done.Id
        ($done | Remove-SoraVideo -Force -PassThru).Deleted | Should -BeTrue
        $done
    }
}

AfterAll {
    Disconnect-Sora
    if ($work -and (Test-Path $work)) { Remove-Item -Recurse -Force $work }
}

Describe 'Azure OpenAI' {
    BeforeAll {
        $script:azureKey = 'azure-key-0123456789abcdef'
        $script:azure = Start-Emulator -ApiKey $azureKey -ApiKeyHeader 'api-key' -RenderSeconds 0.3 -PollAfterMs 20
    }

    AfterAll { Stop-Emulator $azure }

    It 'runs the whole workflow with -AzureEndpoint, the api-key header and a deployment name' {
        Connect-Sora -AzureEndpoint $azure.Root -ApiKey (ConvertTo-SecureString $azureKey -AsPlainText -Force)
        Clear-EmulatorRequest $azure

        $done = Invoke-Workflow @{ Prompt = 'A lighthouse in a storm'; Model = 'my-sora-deployment'; Size = '1280x720' } (Join-Path $work 'azure')

        $done.Model | Should -Be 'my-sora-deployment'
        $requests = @(Get-EmulatorRequest $azure)
        $requests | ForEach-Object { $_.path | Should -BeLike '/openai/v1/*'; $_.headers.'api-key' | Should -Be $azureKey; $_.headers.Authorization | Should -BeNullOrEmpty }
        (Get-SoraContext).Authentication | Should -Be 'api-key header'
    }

    It 'takes the endpoint and key from AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY' {
        $saved = $env:AZURE_OPENAI_ENDPOINT, $env:AZURE_OPENAI_API_KEY, $env:OPENAI_BASE_URL
        try {
            $env:AZURE_OPENAI_ENDPOINT = $azure.Root
            $env:AZURE_OPENAI_API_KEY = $azureKey
            $env:OPENAI_BASE_URL = $null
            Disconnect-Sora

            (Get-SoraContext).Azure | Should -BeTrue
            (New-SoraVideo 'From the environment').Status | Should -Be 'queued'
        }
        finally {
            $env:AZURE_OPENAI_ENDPOINT, $env:AZURE_OPENAI_API_KEY, $env:OPENAI_BASE_URL = $saved
        }
    }

    It 'takes an access token as a string, as older Az.Accounts versions give it, and says when it expired' {
        $payload = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('{"exp":1700000000}')).TrimEnd('=')
        Connect-Sora -AzureEndpoint $azure.Root -AccessToken "eyJhbGciOiJSUzI1NiJ9.$payload.c2ln" -WarningVariable warnings -WarningAction SilentlyContinue

        (Get-SoraContext).Authentication | Should -Be 'Bearer token'
        $warnings | Should -Not -BeNullOrEmpty
        { Get-SoraVideo -ErrorAction Stop } | Should -Throw -ErrorId 'SoraPS.TokenExpired,SoraPS.Commands.GetSoraVideoCommand'
    }
}

Describe 'An OpenAI-compatible gateway' {
    BeforeAll {
        $script:gatewayKey = 'gw-key-0123456789abcdef'
        $script:gateway = Start-Emulator -Gateway -ApiKey $gatewayKey -ApiKeyHeader 'x-api-key' -RequireHeader @{ 'x-route' = 'veo' } -RenderSeconds 0.5 -PollAfterMs 20
    }

    AfterAll { Stop-Emulator $gateway }

    It 'runs the whole workflow with its own header, model, size, duration and statuses' {
        Connect-Sora -BaseUri $gateway.BaseUri -ApiKey (ConvertTo-SecureString $gatewayKey -AsPlainText -Force) -ApiKeyHeader 'x-api-key' -Header @{ 'x-route' = 'veo' }

        $queued = New-SoraVideo 'A heron over a lake' -Model 'gemini/veo-3.1-generate-preview' -Size 1920x1080 -Seconds 6
        $queued.Status | Should -Be 'pending'
        $done = Invoke-Workflow @{ Prompt = 'A heron at dusk'; Model = 'gemini/veo-3.1-generate-preview'; Size = '1920x1080'; Seconds = '6' } (Join-Path $work 'gateway')

        $done.Seconds | Should -Be '6'
        $done.Size | Should -Be '1920x1080'
        (Get-SoraContext).HeaderNames | Should -Be @('x-route')
        @(Get-EmulatorRequest $gateway) | ForEach-Object { $_.headers.'x-route' | Should -Be 'veo' }
    }

    It 'warns once per session when the server announces its retirement' {
        Add-EmulatorFault $gateway @{ method = 'GET'; pathPattern = '/v1/videos'; status = 200; count = 2; headers = @{ Sunset = 'Thu, 31 Dec 2026 00:00:00 GMT' }; body = '{"object":"list","data":[],"first_id":null,"last_id":null,"has_more":false}' }

        $first = Get-SoraVideo -WarningVariable warnedFirst -WarningAction SilentlyContinue
        $second = Get-SoraVideo -WarningVariable warnedAgain -WarningAction SilentlyContinue

        @($warnedFirst) | Should -HaveCount 1
        "$($warnedFirst[0])" | Should -Match 'switched off'
        @($warnedAgain) | Should -HaveCount 0
    }
}
