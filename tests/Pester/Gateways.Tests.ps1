#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# The whole workflow against the emulator playing LiteLLM's proxy in front of OpenAI, Veo and Runway
# (--profile litellm-openai, litellm-gemini, litellm-runway): create from CSV, wait, save every
# variant, list, remix, delete, resume a cut download, and the table view. Where a gateway lacks an
# operation, the step ends with SoraPS.NotSupported quoting the server, and nothing else breaks.
# tests/Gateways/Portkey.Tests.ps1 runs the same workflow through a real Portkey gateway.

BeforeDiscovery {
    $profiles = @(
        @{ Name = 'litellm-openai'; Model = 'sora-2'; Lists = $true; Remixes = $true; Thumbnail = '.thumbnail.webp'; Spritesheet = '.spritesheet.jpg' }
        @{ Name = 'litellm-gemini'; Model = 'gemini/veo-3.1-generate-preview'; Lists = $false; Remixes = $false; Thumbnail = '.thumbnail.mp4'; Spritesheet = '.spritesheet.mp4' }
        @{ Name = 'litellm-runway'; Model = 'runwayml/gen4_turbo'; Lists = $false; Remixes = $false; Thumbnail = '.thumbnail.mp4'; Spritesheet = '.spritesheet.mp4' }
    )
}

BeforeAll {
    $script:root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    Import-Module (Join-Path $root 'out/SoraPS/SoraPS.psd1') -Force -ErrorAction Stop
    Import-Module (Join-Path $root 'src/SoraPS.Emulator/EmulatorProcess.psm1') -Force
    $script:work = Join-Path ([System.IO.Path]::GetTempPath()) ('sorapsgateways' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory $work
}

AfterAll {
    Disconnect-Sora
    if ($work -and (Test-Path $work)) { Remove-Item -Recurse -Force $work }
}

Describe 'The workflow against <Name>' -ForEach $profiles {
    BeforeAll {
        $script:emulator = Start-Emulator -Profile $Name -RenderSeconds 0.5
        Connect-Sora -BaseUri $emulator.BaseUri
        $script:out = Join-Path $work $Name

        function script:Get-DirectContentHash([string] $Id, [string] $Variant = 'video') {
            $file = Join-Path $work ([guid]::NewGuid().ToString('N'))
            Invoke-WebRequest "$($emulator.BaseUri)/videos/$([uri]::EscapeDataString($Id))/content?variant=$Variant" -OutFile $file -UseBasicParsing
            try { (Get-FileHash $file -Algorithm SHA256).Hash } finally { Remove-Item $file }
        }
    }

    AfterAll {
        if ($emulator) { Stop-Emulator $emulator }
    }

    It 'creates jobs from a CSV, waits for them and saves every variant under a name of its own' {
        $csv = Join-Path $work "$Name.csv"
        @(
            [pscustomobject]@{ Prompt = 'A red kite over a windy beach'; Model = $Model; Seconds = '8'; Size = '1280x720' }
            [pscustomobject]@{ Prompt = 'A paper boat in the rain'; Model = $Model; Seconds = '8'; Size = '720x1280' }
            [pscustomobject]@{ Prompt = 'A skyline from dusk to night'; Model = $Model; Seconds = ''; Size = '' }
        ) | Export-Csv -Path $csv -NoTypeInformation

        $script:videos = @(Import-Csv $csv | New-SoraVideo | Wait-SoraVideo -PollIntervalSec 0.1)
        $files = @($videos | Save-SoraVideoContent -Path $out -Variant Video, Thumbnail, Spritesheet -PassThru -WarningVariable warnings -WarningAction SilentlyContinue)

        $videos | Should -HaveCount 3
        $videos.Status | Should -Be @('completed', 'completed', 'completed')
        ($videos.Id | Where-Object { $_.Length -ge 120 }) | Should -HaveCount 3
        $files | Should -HaveCount 9
        ($files.Name | Sort-Object -Unique) | Should -HaveCount 9
        foreach ($video in $videos) {
            $stem = [SoraPS.ContentFileNames]::SafeStem($video.Id)
            $files | Where-Object Name -eq "$stem.mp4" | Should -Not -BeNullOrEmpty
            $files | Where-Object Name -eq "$stem$Thumbnail" | Should -Not -BeNullOrEmpty
            $files | Where-Object Name -eq "$stem$Spritesheet" | Should -Not -BeNullOrEmpty
        }
        $first = $videos[0]
        (Get-FileHash ($files | Where-Object Name -eq "$([SoraPS.ContentFileNames]::SafeStem($first.Id)).mp4").FullName).Hash | Should -Be (Get-DirectContentHash $first.Id)
        # A video sent for an image says so, once per file; an image labelled video/mp4 does not.
        @($warnings) | Should -HaveCount $(if ($Thumbnail -like '*.mp4') { 6 } else { 0 })
    }

    It 'lists every job, or says that this server does not offer listing' {
        $listed = @(Get-SoraVideo -All -ErrorVariable failures -ErrorAction SilentlyContinue)

        if ($Lists) {
            $failures | Should -HaveCount 0
            $listed.Id | Should -Contain $videos[0].Id
            ($listed.Id | Sort-Object -Unique) | Should -HaveCount (Get-EmulatorStats $emulator).jobs
        }
        else {
            $listed | Should -HaveCount 0
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'SoraPS.NotSupported,*'
            $failures[0].Exception.Message | Should -Match 'does not offer listing video jobs.*NotImplementedError'
        }
    }

    It 'remixes a finished video, or says that this server does not offer remixing' {
        $remix = $videos[0] | Invoke-SoraRemix -Prompt 'The same, at night' -ErrorVariable failures -ErrorAction SilentlyContinue

        if ($Remixes) {
            ($remix | Wait-SoraVideo -PollIntervalSec 0.1).Status | Should -Be 'completed'
        }
        else {
            $remix | Should -BeNullOrEmpty
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'SoraPS.NotSupported,*'
            $failures[0].Exception.Message | Should -Match 'does not offer remixing videos'
        }
    }

    It 'says that this server does not offer deleting, and asks once' {
        Clear-EmulatorRequest $emulator

        $videos[1] | Remove-SoraVideo -Force -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'SoraPS.NotSupported,*'
        $failures[0].CategoryInfo.Category | Should -Be 'NotImplemented'
        $failures[0].Exception.Message | Should -Match 'does not offer deleting video jobs.*Method Not Allowed'
        @(Get-EmulatorRequest $emulator | Where-Object method -eq 'DELETE') | Should -HaveCount 1
    }

    It 'starts a cut download over, since this server offers no ranges, and ends with the whole file' {
        $target = Join-Path $out 'resume'
        Add-EmulatorFault $emulator @{ method = 'GET'; pathPattern = '/v1/videos/*/content'; kind = 'truncate'; afterBytes = 5000 }

        $videos[2] | Save-SoraVideoContent -Path $target -Resume -ErrorVariable broken -ErrorAction SilentlyContinue
        Clear-EmulatorRequest $emulator
        $file = $videos[2] | Save-SoraVideoContent -Path $target -Resume -PassThru

        $broken | Should -HaveCount 1
        $requests = @(Get-EmulatorRequest $emulator | Where-Object path -like '*/content')
        $requests | Should -HaveCount 1
        $requests[0].headers.PSObject.Properties.Name | Should -Not -Contain 'Range'
        (Get-FileHash $file.FullName).Hash | Should -Be (Get-DirectContentHash $videos[2].Id)
        @(Get-ChildItem -Force $target) | Should -HaveCount 1
    }

    It 'refuses a download that is an error with status 200, and keeps the file that was there' {
        $video = New-SoraVideo 'Broken download #content_error' -Model $Model | Wait-SoraVideo -PollIntervalSec 0.1
        $path = Join-Path $out 'kept.mp4'
        Set-Content -Path $path -Value 'the good one' -NoNewline

        $video | Save-SoraVideoContent -Path $path -Force -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'SoraPS.InvalidResponse,*'
        $failures[0].Exception.Message | Should -Match 'Failed to fetch video content'
        Get-Content -Raw $path | Should -BeExactly 'the good one'
    }

    It 'shows the jobs readable at 120 characters, with what the server left out empty' {
        $lines = @($videos | Format-Table | Out-String -Width 120 -Stream | Where-Object { $_.Trim() })

        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 120 }
        $lines[0] | Should -Match '^Id\s+Status\s+Model\s+Seconds\s+Size\s+CreatedAt\s*$'
        $lines | Select-Object -Skip 2 | ForEach-Object { $_ | Should -Match ([regex]::Escape([string] [char] 0x2026)) }
        ($lines -join "`n") | Should -Not -Match '\b0%'
    }
}

Describe 'Routing headers that a gateway requires' {
    BeforeAll {
        $script:emulator = Start-Emulator -Profile litellm-gemini -RenderSeconds 0.3 -RequireHeader @{ 'custom-llm-provider' = 'gemini' }
    }

    AfterAll {
        if ($emulator) { Stop-Emulator $emulator }
    }

    It 'sends custom-llm-provider with every request when Connect-Sora -Header names it' {
        Connect-Sora -BaseUri $emulator.BaseUri -Header @{ 'custom-llm-provider' = 'gemini' }
        Clear-EmulatorRequest $emulator

        $video = New-SoraVideo 'Routed' -Model gemini/veo-3.1-generate-preview | Wait-SoraVideo -PollIntervalSec 0.1

        $video.Status | Should -Be 'completed'
        $requests = @(Get-EmulatorRequest $emulator)
        $requests.Count | Should -BeGreaterOrEqual 2
        $requests | ForEach-Object { $_.headers.'custom-llm-provider' | Should -Be 'gemini' }
        (Get-SoraContext).HeaderNames | Should -Be @('custom-llm-provider')
    }

    It 'quotes the gateway when the header is missing' {
        Connect-Sora -BaseUri $emulator.BaseUri

        New-SoraVideo 'Not routed' -Model gemini/veo-3.1-generate-preview -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures | Should -HaveCount 1
        $failures[0].Exception.Message | Should -Match 'custom-llm-provider'
    }
}

Describe 'A job that a gateway never reports failed' {
    BeforeAll {
        $script:emulator = Start-Emulator -Profile litellm-gemini -RenderSeconds 0.3
        Connect-Sora -BaseUri $emulator.BaseUri
    }

    AfterAll {
        if ($emulator) { Stop-Emulator $emulator }
    }

    It 'keeps processing until the time limit, which ends the wait with an error that says so' {
        $job = New-SoraVideo 'Blocked #moderation_blocked' -Model gemini/veo-3.1-generate-preview

        $done = $job | Wait-SoraVideo -PollIntervalSec 0.1 -TimeoutSec 2 -ErrorVariable failures -ErrorAction SilentlyContinue

        $done | Should -BeNullOrEmpty
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'SoraPS.WaitTimedOut,*'
        $failures[0].Exception.Message | Should -Match 'last status processing\)'
        $failures[0].Exception.Message | Should -Match 'never report a failed job'
    }
}

Describe 'A job that a gateway reports cancelled' {
    BeforeAll {
        $script:emulator = Start-Emulator -Profile litellm-runway -RenderSeconds 0.3
        Connect-Sora -BaseUri $emulator.BaseUri
    }

    AfterAll {
        if ($emulator) { Stop-Emulator $emulator }
    }

    It 'ends the wait at once with an error that names the status' {
        $job = New-SoraVideo 'Stopped #cancelled' -Model runwayml/gen4_turbo

        $done = $job | Wait-SoraVideo -PollIntervalSec 0.1 -TimeoutSec 60 -ErrorVariable failures -ErrorAction SilentlyContinue

        $done | Should -BeNullOrEmpty
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'SoraPS.JobFailed,*'
        $failures[0].Exception.Message | Should -Match 'ended cancelled without a video'
        $failures[0].TargetObject.Status | Should -Be 'cancelled'
    }
}
