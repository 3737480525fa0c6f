#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# The module as users get it: out/SoraPS imported in a fresh pwsh, every cmdlet run against the emulator.

BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    Import-Module (Join-Path $root 'out/SoraPS/SoraPS.psd1') -Force -ErrorAction Stop
    Import-Module (Join-Path $root 'src/SoraPS.Emulator/EmulatorProcess.psm1') -Force
    $script:emulator = Start-Emulator -RenderSeconds 0.5 -PollAfterMs 50
    Connect-Sora -BaseUri $emulator.BaseUri
    $script:work = Join-Path ([System.IO.Path]::GetTempPath()) ("sorapspester" + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory $work

    function script:New-FinishedVideo([string] $Prompt = 'A finished clip') {
        New-SoraVideo -Prompt $Prompt | Wait-SoraVideo -PollIntervalSec 0.1
    }
}

AfterAll {
    Disconnect-Sora
    if ($emulator) { Stop-Emulator $emulator }
    if ($work -and (Test-Path $work)) { Remove-Item -Recurse -Force $work }
}

Describe 'The quick start pipeline' {
    It 'turns three CSV prompts into three playable MP4 files' {
        $csv = Join-Path $work 'prompts.csv'
        @(
            [pscustomobject]@{ Prompt = 'A calico cat playing a piano'; Seconds = '4'; Size = '1280x720' }
            [pscustomobject]@{ Prompt = 'A paper boat in the rain'; Seconds = '8'; Size = '720x1280' }
            [pscustomobject]@{ Prompt = 'A skyline from dusk to night'; Seconds = ''; Size = '' }
        ) | Export-Csv -Path $csv -NoTypeInformation
        $out = Join-Path $work 'quickstart'

        $files = Import-Csv $csv | New-SoraVideo | Wait-SoraVideo -PollIntervalSec 0.1 | Save-SoraVideoContent -Path $out -PassThru

        $files | Should -HaveCount 3
        $files | ForEach-Object { $_ | Should -BeOfType System.IO.FileInfo; $_.Extension | Should -Be '.mp4' }
        foreach ($file in $files) {
            $bytes = [System.IO.File]::ReadAllBytes($file.FullName)
            [System.Text.Encoding]::ASCII.GetString($bytes, 4, 4) | Should -Be 'ftyp'
        }
    }

    It 'binds Seconds and Size from CSV columns and leaves empty cells to the server' {
        $jobs = @(
            [pscustomobject]@{ Prompt = 'Wide'; Seconds = '8'; Size = '1280x720' }
            [pscustomobject]@{ Prompt = 'Defaults'; Seconds = ''; Size = '' }
        ) | New-SoraVideo

        $jobs[0].Seconds | Should -Be '8'
        $jobs[0].Size | Should -Be '1280x720'
        $jobs[1].Seconds | Should -Be '4'
        $jobs[1].Size | Should -Be '720x1280'
        $jobs[0].PSObject.TypeNames[0] | Should -Be 'SoraPS.SoraVideo'
    }

    It 'New-SoraVideo -Wait returns the finished job' {
        $video = New-SoraVideo 'Wait for me' -Wait -PollIntervalSec 0.1
        $video.Status | Should -Be 'completed'
        $video.Progress | Should -Be 100
    }

    It 'saves the thumbnail and the spritesheet under their default names' {
        $video = New-FinishedVideo
        $out = Join-Path $work 'variants'

        $files = $video | Save-SoraVideoContent -Path $out -Variant Thumbnail, Spritesheet -PassThru

        $files.Name | Should -Be @("$($video.Id).thumbnail.webp", "$($video.Id).spritesheet.jpg")
    }
}

Describe 'Get-SoraVideo' {
    It 'returns every job across several pages with -All' {
        $null = Invoke-RestMethod -Method Post "$($emulator.Root)/_emulator/seed" -ContentType 'application/json' -Body '{"count":45}'
        $expected = (Get-EmulatorStats $emulator).jobs

        $all = Get-SoraVideo -All -Limit 10

        $all | Should -HaveCount $expected
        ($all.Id | Sort-Object -Unique) | Should -HaveCount $expected
    }

    It 'asks for one page only when the pipeline needs one job' {
        Clear-EmulatorRequest $emulator

        $first = Get-SoraVideo -All -Limit 10 | Select-Object -First 1

        $first | Should -Not -BeNullOrEmpty
        @(Get-EmulatorRequest $emulator | Where-Object { $_.method -eq 'GET' -and $_.path -eq '/v1/videos' }) | Should -HaveCount 1
    }

    It 'gets jobs by id from the pipeline and reports an unknown id without stopping' {
        $video = New-SoraVideo 'By id'

        $found = 'video_doesnotexist', $video.Id | Get-SoraVideo -ErrorVariable failures -ErrorAction SilentlyContinue

        $found.Id | Should -Be $video.Id
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'SoraPS.ApiError,*'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].Exception.RequestId | Should -Match '^req_'
    }

    It 'refuses a -Limit outside 1..100 before sending anything' {
        Clear-EmulatorRequest $emulator
        { Get-SoraVideo -Limit 101 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,SoraPS.Commands.GetSoraVideoCommand'
        @(Get-EmulatorRequest $emulator) | Should -HaveCount 0
    }
}

Describe 'Wait-SoraVideo' {
    It 'writes a failed job as a non-terminating error with the API error code' {
        $jobs = New-SoraVideo 'Fine', 'Blocked #moderation_blocked'

        $done = $jobs | Wait-SoraVideo -PollIntervalSec 0.1 -ErrorVariable failures -ErrorAction SilentlyContinue

        $done | Should -HaveCount 1
        $done.Prompt | Should -Be 'Fine'
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'SoraPS.JobFailed,SoraPS.Commands.WaitSoraVideoCommand'
        $failures[0].Exception.Message | Should -Match 'moderation_blocked'
        $failures[0].TargetObject.Id | Should -Be $jobs[1].Id
    }

    It 'names the job that did not finish in time' {
        $slow = New-SoraVideo 'Slow #render=60'

        $slow | Wait-SoraVideo -TimeoutSec 1 -PollIntervalSec 0.1 -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'SoraPS.WaitTimedOut,SoraPS.Commands.WaitSoraVideoCommand'
        $failures[0].Exception.Message | Should -Match $slow.Id
    }

    It 'waits on ids as well as jobs' {
        $video = New-SoraVideo 'An id'
        ($video.Id | Wait-SoraVideo -PollIntervalSec 0.1).Status | Should -Be 'completed'
    }
}

Describe 'Save-SoraVideoContent' {
    It 'refuses a job that is not completed with a clear error' {
        $running = New-SoraVideo 'Not yet #render=60'

        $running | Save-SoraVideoContent -Path $work -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures[0].FullyQualifiedErrorId | Should -BeLike 'SoraPS.JobNotCompleted,*'
        $failures[0].Exception.Message | Should -Match 'Wait-SoraVideo'
        Join-Path $work "$($running.Id).mp4" | Should -Not -Exist
    }

    It 'keeps an existing file without -Force and replaces it with -Force' {
        $video = New-FinishedVideo
        $target = Join-Path $work "$($video.Id).mp4"
        Set-Content -Path $target -Value 'precious'

        $video | Save-SoraVideoContent -Path $work -ErrorVariable failures -ErrorAction SilentlyContinue
        Get-Content $target | Should -Be 'precious'
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'SoraPS.FileExists,*'

        $video | Save-SoraVideoContent -Path $work -Force
        (Get-Item $target).Length | Should -BeGreaterThan 1000
    }

    It 'resolves a relative path against the current location' {
        $video = New-FinishedVideo
        Push-Location $work
        try {
            $file = $video | Save-SoraVideoContent -Path 'relative/clip.mp4' -PassThru
        }
        finally {
            Pop-Location
        }

        $file.FullName | Should -Be ([System.IO.Path]::GetFullPath((Join-Path $work 'relative/clip.mp4')))
    }

    It 'does nothing with -WhatIf' {
        $video = New-FinishedVideo
        $folder = Join-Path $work 'whatif'
        $video | Save-SoraVideoContent -Path $folder -WhatIf
        $folder | Should -Not -Exist
    }
}

Describe 'Invoke-SoraRemix and Remove-SoraVideo' {
    It 'remixes a piped job with the prompt given, not the job''s own' {
        $source = New-FinishedVideo 'The original prompt'

        $remix = Get-SoraVideo -Id $source.Id | Invoke-SoraRemix -Prompt 'The same scene at night'

        $remix.RemixedFromVideoId | Should -Be $source.Id
        $remix.Prompt | Should -Be 'The same scene at night'
    }

    It 'deletes with -Force and writes the result with -PassThru' {
        $video = New-FinishedVideo

        $result = $video | Remove-SoraVideo -Force -PassThru

        $result.Deleted | Should -BeTrue
        { Get-SoraVideo -Id $video.Id -ErrorAction Stop } | Should -Throw
    }

    It 'deletes nothing with -WhatIf, even with -Force' {
        $video = New-FinishedVideo
        $video | Remove-SoraVideo -Force -WhatIf
        (Get-SoraVideo -Id $video.Id).Id | Should -Be $video.Id
    }

    It 'deletes nothing with -Force when $WhatIfPreference is set' {
        $video = New-FinishedVideo
        $WhatIfPreference = $true
        try { $video | Remove-SoraVideo -Force } finally { $WhatIfPreference = $false }
        (Get-SoraVideo -Id $video.Id).Id | Should -Be $video.Id
    }

    It 'sends no create request with -WhatIf' {
        $before = (Get-EmulatorStats $emulator).jobsCreated
        New-SoraVideo 'Never sent' -WhatIf
        (Get-EmulatorStats $emulator).jobsCreated | Should -Be $before
    }
}

Describe 'Errors' {
    It 'says what to fix without naming internal arguments' {
        New-SoraVideo 'x' -Size 'big' -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'SoraPS.InvalidArgument,SoraPS.Commands.NewSoraVideoCommand'
        "$($failures[0])" | Should -Be "The size 'big' is not of the form WIDTHxHEIGHT (for example 1280x720). Correct -Size."
    }

    It 'refuses a key over plain http to another host' {
        $key = ConvertTo-SecureString 'sk-plainhttp-0123456789' -AsPlainText -Force
        { Connect-Sora -ApiKey $key -BaseUri 'http://gateway.example.com/v1' } | Should -Throw -ErrorId 'SoraPS.InvalidArgument,SoraPS.Commands.ConnectSoraCommand'
        Connect-Sora -ApiKey $key -BaseUri 'http://gateway.example.com/v1' -AllowInsecureHttp -PassThru | Select-Object -ExpandProperty AllowInsecureHttp | Should -BeTrue
        Connect-Sora -BaseUri $emulator.BaseUri
    }
}

Describe 'Connection settings' {
    It 'shows the context without the key' {
        $key = ConvertTo-SecureString 'sk-context-0123456789abcdefghij' -AsPlainText -Force
        Connect-Sora -ApiKey $key -BaseUri $emulator.BaseUri
        try {
            $context = Get-SoraContext
            $context.HasApiKey | Should -BeTrue
            ($context | Format-List | Out-String) | Should -Not -Match 'sk-context'
            ($context | ConvertTo-Json) | Should -Not -Match 'sk-context'
        }
        finally {
            Connect-Sora -BaseUri $emulator.BaseUri
        }
    }

    It 'falls back to the environment after Disconnect-Sora and needs a key for a remote server' {
        $saved = $env:OPENAI_BASE_URL, $env:OPENAI_API_KEY
        try {
            $env:OPENAI_BASE_URL = 'https://gateway.example.com/v1'
            $env:OPENAI_API_KEY = $null
            Disconnect-Sora
            (Get-SoraContext).Source | Should -Be 'Environment'
            { Get-SoraVideo } | Should -Throw -ErrorId 'SoraPS.NoApiKey,SoraPS.Commands.GetSoraVideoCommand'
        }
        finally {
            $env:OPENAI_BASE_URL, $env:OPENAI_API_KEY = $saved
            Connect-Sora -BaseUri $emulator.BaseUri
        }
    }
}

Describe 'Secrets' {
    It 'never writes the key to any stream, $Error or a transcript' {
        $secret = 'sk-leakcheck-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
        $guarded = Start-Emulator -ApiKey $secret -RenderSeconds 0.2 -PollAfterMs 20
        $transcript = Join-Path $work 'transcript.txt'
        try {
            $Error.Clear()
            $DebugPreference = 'Continue'
            $null = Start-Transcript -Path $transcript
            $output = & {
                Connect-Sora -ApiKey (ConvertTo-SecureString $secret -AsPlainText -Force) -BaseUri $guarded.BaseUri -PassThru -Verbose -Debug
                $video = New-SoraVideo 'Leak check' -Verbose -Debug
                $video | Wait-SoraVideo -PollIntervalSec 0.1 -Verbose -Debug | Save-SoraVideoContent -Path (Join-Path $work 'leak') -Verbose -Debug
                Get-SoraVideo -Verbose -Debug
                Get-SoraVideo -Id 'video_missing' -Verbose -Debug -ErrorAction Continue
                Invoke-SoraRemix -Id $video.Id -Prompt 'Remix' -Verbose -Debug
                Invoke-SoraEdit -Id $video.Id -Prompt 'Edit' -Verbose -Debug
                Invoke-SoraExtension -Id $video.Id -Prompt 'Extend' -Seconds 4 -Verbose -Debug
                Get-SoraCharacter -Id 'char_missing' -Verbose -Debug -ErrorAction Continue
                Remove-SoraVideo -Id $video.Id -Force -Verbose -Debug
                'Batch leak check' | Invoke-SoraBatch -OutputPath (Join-Path $work 'leakbatch') -ReportPath (Join-Path $work 'leakbatch/review.html') -PollIntervalSec 0.1 -Verbose -Debug
                Get-SoraContext -Verbose -Debug
                Write-Information 'done' -InformationAction Continue
            } *>&1 | Out-String
            $null = Stop-Transcript
            $DebugPreference = 'SilentlyContinue'

            $output | Should -Match 'DEBUG|VERBOSE'
            $output | Should -Not -Match 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
            ($Error | ForEach-Object { $_ | Format-List * -Force | Out-String; $_.Exception.ToString() }) -join "`n" | Should -Not -Match 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
            Get-Content -Raw $transcript | Should -Not -Match 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
            foreach ($written in 'SoraBatch.journal', 'review.html') {
                Get-Content -Raw -LiteralPath (Join-Path $work "leakbatch/$written") | Should -Not -Match 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
            }
        }
        finally {
            $DebugPreference = 'SilentlyContinue'
            Connect-Sora -BaseUri $emulator.BaseUri
            Stop-Emulator $guarded
        }
    }
}

Describe 'Console experience' {
    It 'completes models, sizes and seconds' {
        $models = (TabExpansion2 -inputScript 'New-SoraVideo -Model sora-2-p' -cursorColumn 28).CompletionMatches.CompletionText
        $models | Should -Contain 'sora-2-pro'
        (TabExpansion2 -inputScript 'New-SoraVideo -Size 1280' -cursorColumn 24).CompletionMatches.CompletionText | Should -Contain '1280x720'
        (TabExpansion2 -inputScript 'New-SoraVideo -Seconds 1' -cursorColumn 24).CompletionMatches.CompletionText | Should -Contain '12'
    }

    It 'completes ids of jobs this session has seen, without a request' {
        $video = New-SoraVideo 'Complete my id'
        Clear-EmulatorRequest $emulator

        $ids = (TabExpansion2 -inputScript "Get-SoraVideo -Id $($video.Id.Substring(0, 10))" -cursorColumn (18 + 10)).CompletionMatches

        $ids.CompletionText | Should -Contain $video.Id
        @(Get-EmulatorRequest $emulator) | Should -HaveCount 0
    }

    It 'has a table and a list view for jobs' {
        $controls = (Get-FormatData SoraPS.SoraVideo).FormatViewDefinition | ForEach-Object { $_.Control.GetType().Name }
        $controls | Should -Contain 'TableControl'
        $controls | Should -Contain 'ListControl'
    }
}
