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

    # The most jobs that were running at once, from the server's own times. created_at and
    # completed_at are whole seconds (rounded down); a job counts as running in second n when
    # created_at <= n < completed_at. Rounding both ends down never makes two jobs that ran one
    # after the other look simultaneous, and jobs created together with a render time of two
    # seconds or more always share a second.
    function script:Get-MostRunningAtOnce([object[]] $Jobs) {
        $spans = foreach ($job in $Jobs) {
            [pscustomobject]@{ Start = $job.CreatedAt.ToUnixTimeSeconds(); End = $job.CompletedAt.ToUnixTimeSeconds() }
        }
        $most = 0
        $first = ($spans | Measure-Object Start -Minimum).Minimum
        $last = ($spans | Measure-Object End -Maximum).Maximum
        for ($n = $first; $n -le $last; $n++) {
            $running = @($spans | Where-Object { $_.Start -le $n -and $n -lt $_.End }).Count
            if ($running -gt $most) { $most = $running }
        }
        $most
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

Describe 'New-VideoBatch.ps1' {
    BeforeAll {
        $script:emulator = Start-Emulator -RenderSeconds 0.5 -PollAfterMs 20
        Connect-Sora -BaseUri $emulator.BaseUri
        $script:batch = Join-Path $examples 'New-VideoBatch.ps1'
    }

    AfterAll {
        Stop-Emulator $emulator
    }

    It 'saves an MP4 per row, takes Model, Seconds and Size from the CSV, and reports a failed job without stopping' {
        $csv = New-PromptCsv 'mixed.csv' @(
            [pscustomobject]@{ Prompt = 'A calico cat playing a piano'; Model = 'sora-2-pro'; Seconds = '8'; Size = '1280x720' }
            [pscustomobject]@{ Prompt = 'Blocked #moderation_blocked'; Model = ''; Seconds = ''; Size = '' }
            [pscustomobject]@{ Prompt = 'A paper boat in the rain'; Model = ''; Seconds = ''; Size = '' }
            [pscustomobject]@{ Prompt = 'Wrong length'; Model = ''; Seconds = '5'; Size = '' }
            [pscustomobject]@{ Prompt = 'A skyline from dusk to night'; Model = ''; Seconds = '4'; Size = '' }
        )
        $out = Join-Path $work 'batch'

        $rows = @(& $batch -CsvPath $csv -OutputPath $out -ThrottleLimit 2 -PollIntervalSec 0.1 -TimeoutSec 120)

        $rows | Should -HaveCount 5
        $rows | ForEach-Object { $_.PSObject.Properties.Name | Should -Be @('Prompt', 'Id', 'Status', 'Path', 'Error') }
        $completed = @($rows | Where-Object Status -eq 'completed')
        $completed | Should -HaveCount 3
        foreach ($row in $completed) {
            Assert-Mp4 $row.Path
            Split-Path -Leaf $row.Path | Should -Be "$($row.Id).mp4"
            $row.Error | Should -BeNullOrEmpty
        }

        $blocked = $rows | Where-Object Prompt -eq 'Blocked #moderation_blocked'
        $blocked.Status | Should -Be 'failed'
        $blocked.Id | Should -Match '^video_'
        $blocked.Error | Should -Match 'moderation_blocked'
        $blocked.Path | Should -BeNullOrEmpty

        $rejected = $rows | Where-Object Prompt -eq 'Wrong length'
        $rejected.Status | Should -Be 'not_started'
        $rejected.Id | Should -BeNullOrEmpty
        $rejected.Error | Should -Match 'seconds'

        $first = Get-SoraVideo -Id ($rows | Where-Object Prompt -eq 'A calico cat playing a piano').Id
        $first.Model | Should -Be 'sora-2-pro'
        $first.Seconds | Should -Be '8'
        $first.Size | Should -Be '1280x720'
        (Get-SoraVideo -Id ($rows | Where-Object Prompt -eq 'A paper boat in the rain').Id).Seconds | Should -Be '4'
    }

    It 'never has more than ThrottleLimit jobs running on the server, and starts the next as one finishes' {
        $csv = New-PromptCsv 'throttle.csv' @(1..6 | ForEach-Object { [pscustomobject]@{ Prompt = "Clip $_ #render=2" } })

        $rows = @(& $batch -CsvPath $csv -OutputPath (Join-Path $work 'throttle') -ThrottleLimit 2 -PollIntervalSec 0.1 -TimeoutSec 120)

        $rows | Should -HaveCount 6
        $rows | ForEach-Object { $_.Status | Should -Be 'completed'; Assert-Mp4 $_.Path }
        $jobs = @(Get-SoraVideo -Id $rows.Id)
        Get-MostRunningAtOnce $jobs | Should -Be 2
        # Three rounds of two-second renders, one after another.
        $span = ($jobs | ForEach-Object { $_.CompletedAt.ToUnixTimeSeconds() } | Measure-Object -Maximum).Maximum -
            ($jobs | ForEach-Object { $_.CreatedAt.ToUnixTimeSeconds() } | Measure-Object -Minimum).Minimum
        $span | Should -BeGreaterOrEqual 5
    }

    It 'measures a batch without a real limit as all jobs running at once (the check above can fail)' {
        $csv = New-PromptCsv 'unthrottled.csv' @(1..6 | ForEach-Object { [pscustomobject]@{ Prompt = "Clip $_ #render=2" } })

        $rows = @(& $batch -CsvPath $csv -OutputPath (Join-Path $work 'unthrottled') -ThrottleLimit 6 -PollIntervalSec 0.1 -TimeoutSec 120)

        Get-MostRunningAtOnce @(Get-SoraVideo -Id $rows.Id) | Should -Be 6
    }

    It 'reports the rows it could not finish in time, and leaves the rest unstarted' {
        $csv = New-PromptCsv 'slow.csv' @(
            [pscustomobject]@{ Prompt = 'Slow #render=60' }
            [pscustomobject]@{ Prompt = 'Never started' }
        )

        $rows = @(& $batch -CsvPath $csv -OutputPath (Join-Path $work 'slow') -ThrottleLimit 1 -PollIntervalSec 0.1 -TimeoutSec 1)

        $rows | Should -HaveCount 2
        $rows[0].Status | Should -BeIn 'queued', 'in_progress'
        $rows[0].Error | Should -Match 'keeps running'
        $rows[1].Status | Should -Be 'not_started'
        $rows[1].Id | Should -BeNullOrEmpty
    }
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
        $script:savedTemp = $env:TEMP
        $env:TEMP = Join-Path $work 'sandbox'
        $null = New-Item -ItemType Directory -Force $env:TEMP
    }

    AfterAll {
        $env:TEMP = $savedTemp
    }

    It 'runs to completion with a key against an Azure-like endpoint, without storage, and cleans up both ends' {
        $azure = Start-Emulator -ApiKey 'k' -ApiKeyHeader 'api-key' -RenderSeconds 0.5 -PollAfterMs 20
        try {
            # Neither the managed identity nor storage is touched with -ApiKey and no storage account.
            function Connect-AzAccount { throw 'Connect-AzAccount was not expected.' }
            function Set-AzStorageBlobContent { throw 'Set-AzStorageBlobContent was not expected.' }

            $result = & $runbook -AzureEndpoint $azure.Root -Deployment 'sora-2' -Prompt 'A lighthouse at dawn' -Seconds 4 -Size 1280x720 `
                -ApiKey (ConvertTo-SecureString 'k' -AsPlainText -Force) -TimeoutSec 60 -PollIntervalSec 0.1 -Verbose 4>&1
            $verbose = @($result | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            $result = @($result | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })

            $result | Should -HaveCount 1
            $result[0].Status | Should -Be 'completed'
            $result[0].Model | Should -Be 'sora-2'
            $result[0].Size | Should -Be '1280x720'
            $result[0].Length | Should -BeGreaterThan 0
            $result[0].FileName | Should -Be "$($result[0].Id).mp4"
            $result[0].Blob | Should -BeNullOrEmpty
            $result[0].Deleted | Should -BeTrue
            $result[0].Authentication | Should -Be 'api-key header'
            $verbose.Message | Should -Contain 'No storage account given: nothing copied'
            # The file went to $env:TEMP and was removed from it; the job is gone from the server.
            $verbose.Message -match [regex]::Escape((Join-Path $env:TEMP $result[0].FileName)) | Should -Not -BeNullOrEmpty
            @(Get-ChildItem -Force $env:TEMP) | Should -HaveCount 0
            (Get-EmulatorStats $azure).jobs | Should -Be 0
            $requests = @(Get-EmulatorRequest $azure)
            $requests | ForEach-Object { $_.path | Should -BeLike '/openai/v1/*'; $_.headers.'api-key' | Should -Be 'k' }
            @($requests | Where-Object { $_.method -eq 'GET' -and $_.path -like '*/content' }) | Should -HaveCount 1
        }
        finally {
            Stop-Emulator $azure
        }
    }

    It 'signs in as the managed identity, connects with its token and copies the video to blob storage' {
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
            function Set-AzStorageBlobContent {
                param([string] $File, [string] $Container, [string] $Blob, $Context, [switch] $Force)
                $calls.Add("Set-AzStorageBlobContent $($Context.Account)/$Container/$Blob Connected=$($Context.Connected)")
                Copy-Item -LiteralPath $File (Join-Path $blobs $Blob)
            }

            $result = & $runbook -AzureEndpoint $azure.Root -Deployment 'my-sora' -Prompt 'A lighthouse at dawn' -Seconds 4 -Size 1280x720 `
                -StorageAccountName 'mystorage' -ContainerName 'clips' -TimeoutSec 60 -PollIntervalSec 0.1

            $result.Status | Should -Be 'completed'
            $result.Authentication | Should -Be 'Bearer token'
            $result.Blob | Should -Be "mystorage/clips/$($result.Id).mp4"
            $result.Deleted | Should -BeTrue
            Assert-Mp4 (Join-Path $blobs "$($result.Id).mp4")
            (Get-Item (Join-Path $blobs "$($result.Id).mp4")).Length | Should -Be $result.Length
            $calls | Should -Be @(
                'Connect-AzAccount Identity=True'
                'Get-AzAccessToken https://cognitiveservices.azure.com'
                'Get-AzAccessToken https://cognitiveservices.azure.com'
                "Set-AzStorageBlobContent mystorage/clips/$($result.Id).mp4 Connected=True"
            )
            @(Get-ChildItem -Force $env:TEMP) | Should -HaveCount 0
            (Get-EmulatorStats $azure).jobs | Should -Be 0
            @(Get-EmulatorRequest $azure) | ForEach-Object { $_.headers.Authorization | Should -Be "Bearer $token" }
        }
        finally {
            Stop-Emulator $azure
        }
    }
}
