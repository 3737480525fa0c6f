#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# The scripts in examples/, run as users run them (out/SoraPS imported, Connect-Sora first) against
# the emulator, with their outcomes checked on disk and on the server.

BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:examples = Join-Path $root 'examples'
    Import-Module (Join-Path $root 'out/SoraPS/SoraPS.psd1') -Force -ErrorAction Stop
    Import-Module (Join-Path $root 'src/SoraPS.Emulator/EmulatorProcess.psm1') -Force
    $script:work = Join-Path ([System.IO.Path]::GetTempPath()) ("sorapsexamples" + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory $work

    function script:Assert-Mp4([string] $Path) {
        $Path | Should -Exist
        $bytes = [System.IO.File]::ReadAllBytes($Path)
        $bytes.Length | Should -BeGreaterThan 8
        [System.Text.Encoding]::ASCII.GetString($bytes, 4, 4) | Should -Be 'ftyp'
    }

    function script:New-PromptCsv([string] $Name, [object[]] $Rows) {
        $path = Join-Path $work $Name
        $Rows | Export-Csv -Path $path -NoTypeInformation
        $path
    }
}

AfterAll {
    Disconnect-Sora
    if ($work -and (Test-Path $work)) { Remove-Item -Recurse -Force $work }
}

Describe 'Invoke-RemixChain.ps1' {
    BeforeAll {
        $script:emulator = Start-Emulator -RenderSeconds 0.5 -PollAfterMs 20
        Connect-Sora -BaseUri $emulator.BaseUri
        $script:chain = Join-Path $examples 'Invoke-RemixChain.ps1'
    }

    AfterAll {
        Stop-Emulator $emulator
    }

    It 'remixes each step from the video of the step before and saves every step' {
        $out = Join-Path $work 'chain'

        $steps = @(& $chain -Prompt 'A lighthouse at dawn' -RemixPrompt 'Make it a stormy night', 'Add a ship' -OutputPath $out -PollIntervalSec 0.1)

        $steps | Should -HaveCount 3
        $steps.Step | Should -Be @(0, 1, 2)
        $steps.Prompt | Should -Be @('A lighthouse at dawn', 'Make it a stormy night', 'Add a ship')
        $steps[0].RemixedFromVideoId | Should -BeNullOrEmpty
        $steps[1].RemixedFromVideoId | Should -Be $steps[0].Id
        $steps[2].RemixedFromVideoId | Should -Be $steps[1].Id
        $steps | ForEach-Object { $_.Status | Should -Be 'completed'; Assert-Mp4 $_.Path }
        ($steps.Id | Sort-Object -Unique) | Should -HaveCount 3
        # The server saw exactly one remix of each source, in order.
        $remixes = @(Get-EmulatorRequest $emulator | Where-Object { $_.method -eq 'POST' -and $_.path -like '/v1/videos/*/remix' })
        $remixes.path | Should -Be @("/v1/videos/$($steps[0].Id)/remix", "/v1/videos/$($steps[1].Id)/remix")
    }

    It 'ends the chain at a failed step with its error, keeping the steps before' {
        $steps = @(& $chain -Prompt 'A kite' -RemixPrompt 'Blocked #moderation_blocked', 'Never made' -OutputPath (Join-Path $work 'broken') -PollIntervalSec 0.1 -ErrorVariable failures -ErrorAction SilentlyContinue)

        $steps | Should -HaveCount 1
        Assert-Mp4 $steps[0].Path
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'SoraPS.JobFailed,*'
        $failures[0].Exception.Message | Should -Match 'moderation_blocked'
        @(Get-EmulatorRequest $emulator | Where-Object { $_.jsonBody -and $_.jsonBody -match 'Never made' }) | Should -HaveCount 0
    }
}

Describe 'Remove-OldVideo.ps1' {
    BeforeAll {
        # Seeded jobs were created two minutes before the emulator started.
        $script:emulator = Start-Emulator -RenderSeconds 0.5 -PollAfterMs 20 -Seed 3
        Connect-Sora -BaseUri $emulator.BaseUri
        $script:cleanup = Join-Path $examples 'Remove-OldVideo.ps1'
        $script:seeded = @(Get-SoraVideo -All).Id
        $script:fresh = @(New-SoraVideo 'Fresh', 'Fresh and blocked #moderation_blocked' | Wait-SoraVideo -PollIntervalSec 0.1 -ErrorAction SilentlyContinue)
        $script:blocked = (Get-SoraVideo -All | Where-Object Status -eq 'failed').Id
        $script:running = New-SoraVideo 'Still rendering #render=600'
    }

    AfterAll {
        Stop-Emulator $emulator
    }

    It 'deletes nothing with -WhatIf' {
        Clear-EmulatorRequest $emulator

        $result = & $cleanup -OlderThanDays 0 -WhatIf

        $result | Should -BeNullOrEmpty
        @(Get-EmulatorRequest $emulator | Where-Object method -eq 'DELETE') | Should -HaveCount 0
        (Get-EmulatorStats $emulator).jobs | Should -Be 6
    }

    It 'deletes only the finished jobs older than the cut-off (fractional days)' {
        # 0.0005 days is 43.2 seconds: the seeded jobs are older, the fresh ones are not.
        $seeded | Should -HaveCount 3

        $result = @(& $cleanup -OlderThanDays 0.0005 -Force)

        ($result.Id | Sort-Object) | Should -Be ($seeded | Sort-Object)
        $result | ForEach-Object { $_.Deleted | Should -BeTrue }
        $left = @(Get-SoraVideo -All).Id
        $left | Should -HaveCount 3
        $left | Should -Contain $running.Id
        $left | Should -Contain $fresh[0].Id
        $left | Should -Contain $blocked
    }

    It 'with 0 days deletes every finished job, completed or failed, and skips a running one' {
        Clear-EmulatorRequest $emulator

        $result = @(& $cleanup -OlderThanDays 0 -Force)

        ($result.Id | Sort-Object) | Should -Be (@($fresh[0].Id, $blocked) | Sort-Object)
        @(Get-SoraVideo -All).Id | Should -Be @($running.Id)
        @(Get-EmulatorRequest $emulator | Where-Object method -eq 'DELETE').path | Should -Not -Contain "/v1/videos/$($running.Id)"
    }
}

Describe 'AzureAutomation-Runbook.ps1' {
    BeforeAll {
        $script:runbook = Join-Path $examples 'AzureAutomation-Runbook.ps1'
    }

    It 'makes a video per row with a key against an Azure-like endpoint, and started again creates and downloads nothing' {
        $azure = Start-Emulator -ApiKey 'k' -ApiKeyHeader 'api-key' -RenderSeconds 0.5 -PollAfterMs 20
        try {
            # Neither the managed identity nor storage is touched with -ApiKey and no storage account.
            function Connect-AzAccount { throw 'Connect-AzAccount was not expected.' }
            function Set-AzStorageBlobContent { throw 'Set-AzStorageBlobContent was not expected.' }
            $csv = New-PromptCsv 'runbook.csv' @(
                [pscustomobject]@{ Prompt = 'A lighthouse at dawn'; Seconds = '4'; Size = '1280x720' }
                [pscustomobject]@{ Prompt = 'A harbour at noon'; Seconds = ''; Size = '' }
                [pscustomobject]@{ Prompt = 'Blocked #moderation_blocked'; Seconds = ''; Size = '' }
            )
            $out = Join-Path $work 'runbook'
            $key = ConvertTo-SecureString 'k' -AsPlainText -Force

            $summary = & $runbook -AzureEndpoint $azure.Root -Deployment 'sora-2' -CsvPath $csv -OutputPath $out -ApiKey $key -PollIntervalSec 0.1 -WarningAction SilentlyContinue

            $summary.Rows | Should -Be 3
            $summary.Succeeded | Should -Be 2
            $summary.NotSucceeded | Should -Be 1
            $summary.Rounds | Should -Be 1
            $summary.Copied | Should -Be 0
            ($summary.Results | Where-Object Status -eq 'failed').ErrorCode | Should -Be 'moderation_blocked'
            foreach ($result in $summary.Results | Where-Object Succeeded) {
                $result.Files | Should -HaveCount 2
                Assert-Mp4 $result.Files[0].FullName
                $result.Model | Should -Be 'sora-2'
            }
            $summary.Report | Should -Exist
            Join-Path $out 'SoraBatch.journal' | Should -Exist
            $requests = @(Get-EmulatorRequest $azure)
            $requests | ForEach-Object { $_.path | Should -BeLike '/openai/v1/*'; $_.headers.'api-key' | Should -Be 'k' }

            # The sandbox was recycled: Azure Automation runs the runbook again from its first line.
            Clear-EmulatorRequest $azure
            $again = & $runbook -AzureEndpoint $azure.Root -Deployment 'sora-2' -CsvPath $csv -OutputPath $out -ApiKey $key -PollIntervalSec 0.1 -WarningAction SilentlyContinue

            (Get-EmulatorStats $azure).jobsCreated | Should -Be 3
            @(Get-EmulatorRequest $azure) | Should -HaveCount 0
            ($again.Results | Sort-Object Row).VideoId | Should -Be ($summary.Results | Sort-Object Row).VideoId
        }
        finally {
            Stop-Emulator $azure
        }
    }

    It 'signs in as the managed identity, takes a fresh token for each round, and copies each file to blob storage once' {
        $exp = [DateTimeOffset]::UtcNow.AddHours(1).ToUnixTimeSeconds()
        $payload = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("{""exp"":$exp}")).TrimEnd('=').Replace('+', '-').Replace('/', '_')
        $script:token = "eyJhbGciOiJSUzI1NiJ9.$payload.c2ln"
        $azure = Start-Emulator -ApiKey $token -RenderSeconds 0.5 -PollAfterMs 20
        $script:blobs = Join-Path $work 'blobs'
        $null = New-Item -ItemType Directory -Force $blobs
        $script:calls = [System.Collections.Generic.List[string]]::new()
        try {
            # Stand-ins for Az.Accounts and Az.Storage, as the sandbox provides them.
            function Connect-AzAccount { param([switch] $Identity) $calls.Add("Connect-AzAccount Identity=$Identity"); [pscustomobject]@{} }
            function Get-AzAccessToken {
                param([string] $ResourceUrl)
                $calls.Add("Get-AzAccessToken $ResourceUrl")
                [pscustomobject]@{ Token = (ConvertTo-SecureString $token -AsPlainText -Force) }
            }
            function New-AzStorageContext { param([string] $StorageAccountName, [switch] $UseConnectedAccount) [pscustomobject]@{ Account = $StorageAccountName; Connected = [bool] $UseConnectedAccount } }
            function Get-AzStorageBlob {
                param([string] $Container, [string] $Blob, $Context)
                Get-Item -LiteralPath (Join-Path $blobs $Blob) -ErrorAction SilentlyContinue
            }
            function Set-AzStorageBlobContent {
                param([string] $File, [string] $Container, [string] $Blob, $Context, [switch] $Force)
                $calls.Add("Set-AzStorageBlobContent $($Context.Account)/$Container/$Blob Connected=$($Context.Connected)")
                Copy-Item -LiteralPath $File (Join-Path $blobs $Blob)
            }
            # Renders longer than a round: the batch needs several rounds, each with its own token.
            $csv = New-PromptCsv 'identity.csv' @(1..2 | ForEach-Object { [pscustomobject]@{ Prompt = "A slow clip $_ #render=2.5" } })
            $out = Join-Path $work 'identity'
            $run = @{ AzureEndpoint = $azure.Root; Deployment = 'my-sora'; CsvPath = $csv; OutputPath = $out; StorageAccountName = 'mystorage'; ContainerName = 'clips'; RoundSec = 1; PollIntervalSec = 0.1 }

            $summary = & $runbook @run -WarningAction SilentlyContinue

            $summary.Succeeded | Should -Be 2
            $summary.Rounds | Should -BeGreaterThan 1
            $summary.Copied | Should -Be 4
            foreach ($result in $summary.Results) {
                $result.Model | Should -Be 'my-sora'
                $result.Files | ForEach-Object { (Get-FileHash (Join-Path $blobs $_.Name)).Hash | Should -Be (Get-FileHash $_.FullName).Hash }
            }
            $calls[0] | Should -Be 'Connect-AzAccount Identity=True'
            @($calls | Where-Object { $_ -eq 'Get-AzAccessToken https://cognitiveservices.azure.com' }) | Should -HaveCount $summary.Rounds
            @($calls | Where-Object { $_ -like 'Set-AzStorageBlobContent mystorage/clips/*.mp4 Connected=True' }) | Should -HaveCount 2
            @(Get-EmulatorRequest $azure) | ForEach-Object { $_.headers.Authorization | Should -Be "Bearer $token" }

            # Started again: the files are in the container already, so nothing is sent twice.
            $calls.Clear()
            $again = & $runbook @run -WarningAction SilentlyContinue
            $again.Copied | Should -Be 0
            @($calls | Where-Object { $_ -like 'Set-AzStorageBlobContent*' }) | Should -HaveCount 0
            (Get-EmulatorStats $azure).jobsCreated | Should -Be 2
        }
        finally {
            Stop-Emulator $azure
        }
    }
}
