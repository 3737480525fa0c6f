#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Invoke-SoraBatch in a real host against the emulator: the throttle by the emulator's own count, rows of
# every shape, input refused before anything is sent or written, -WhatIf, Ctrl+C, and no secret on disk.

BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:manifest = Join-Path $root 'out/SoraPS/SoraPS.psd1'
    Import-Module $manifest -Force -ErrorAction Stop
    Import-Module (Join-Path $root 'src/SoraPS.Emulator/EmulatorProcess.psm1') -Force
    $script:emulator = Start-Emulator -RenderSeconds 0.5 -PollAfterMs 20
    Connect-Sora -BaseUri $emulator.BaseUri
    $script:work = Join-Path ([System.IO.Path]::GetTempPath()) ("sorapsbatch" + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory $work

    function script:Assert-Mp4([string] $Path) {
        $bytes = [System.IO.File]::ReadAllBytes($Path)
        $bytes.Length | Should -BeGreaterThan 8
        [System.Text.Encoding]::ASCII.GetString($bytes, 4, 4) | Should -Be 'ftyp'
    }

    function script:Wait-ForJobs([scriptblock] $Condition) {
        $deadline = [datetime]::UtcNow.AddSeconds(60)
        while (-not (& $Condition)) {
            if ([datetime]::UtcNow -gt $deadline) { throw 'The jobs did not appear.' }
            Start-Sleep -Milliseconds 50
        }
    }

    function script:Get-ServerHash($Emulator, [string] $Id, [string] $Variant = 'video') {
        $copy = Join-Path $work ([guid]::NewGuid().ToString('N'))
        Invoke-WebRequest -UseBasicParsing -Uri "$($Emulator.BaseUri)/videos/$Id/content?variant=$Variant" -OutFile $copy
        (Get-FileHash -LiteralPath $copy -Algorithm SHA256).Hash
        Remove-Item -LiteralPath $copy
    }
}

AfterAll {
    Disconnect-Sora
    if ($emulator) { Stop-Emulator $emulator }
    if ($work -and (Test-Path $work)) { Remove-Item -Recurse -Force $work }
}

Describe 'Invoke-SoraBatch' {
    It 'never has more than ThrottleLimit jobs unfinished on the server, and ends with an item and a whole MP4 per row' {
        $emulator30 = Start-Emulator -RenderSeconds 1 -PollAfterMs 20
        try {
            Connect-Sora -BaseUri $emulator30.BaseUri
            $csv = Join-Path $work 'thirty.csv'
            1..30 | ForEach-Object { [pscustomobject]@{ Prompt = "Clip $_ of thirty"; Seconds = ''; Size = '' } } | Export-Csv $csv -NoTypeInformation
            $out = Join-Path $work 'thirty'

            $items = @(Import-Csv $csv | Invoke-SoraBatch -OutputPath $out -ThrottleLimit 4 -PollIntervalSec 0.1)

            $stats = Get-EmulatorStats $emulator30
            $stats.maxUnfinished | Should -Be 4
            $stats.jobsCreated | Should -Be 30
            $items | Should -HaveCount 30
            $items[0].PSObject.TypeNames[0] | Should -Be 'SoraPS.SoraBatchResult'
            ($items.Row | Sort-Object) | Should -Be (1..30)
            foreach ($item in $items) {
                $item.Succeeded | Should -BeTrue -Because $item.Error
                $item.Status | Should -Be 'completed'
                $item.Files | Should -HaveCount 1
                $item.Files[0] | Should -BeOfType System.IO.FileInfo
                Assert-Mp4 $item.Files[0].FullName
            }
            # Byte for byte what the server holds, for a sample of the rows.
            foreach ($item in $items | Select-Object -First 5) {
                (Get-FileHash -LiteralPath $item.Files[0].FullName -Algorithm SHA256).Hash | Should -Be (Get-ServerHash $emulator30 $item.VideoId)
            }
            @(Get-ChildItem -LiteralPath $out -Filter '*.mp4') | Should -HaveCount 30
        }
        finally {
            Connect-Sora -BaseUri $emulator.BaseUri
            Stop-Emulator $emulator30
        }
    }

    It 'takes CSV rows, hashtables with keys in any case, plain objects and strings; an empty cell is not given' {
        $out = Join-Path $work 'shapes'
        $rows = @(
            [pscustomobject]@{ Prompt = 'A csv-like row'; Seconds = '8'; Size = '' }
            @{ prompt = 'A hashtable row'; SECONDS = 12; size = '1280x720'; NAME = 'table' }
            [ordered]@{ Prompt = 'An ordered row'; Model = 'sora-2-pro' }
            'A plain prompt'
        )

        $items = @($rows | Invoke-SoraBatch -OutputPath $out -PollIntervalSec 0.1)

        $items | Should -HaveCount 4
        $byRow = @{}; $items | ForEach-Object { $byRow[$_.Row] = $_ }
        $byRow[1].Seconds | Should -Be '8'
        $byRow[1].Size | Should -Be '720x1280'
        $byRow[2].Key | Should -Be 'table'
        $byRow[2].Name | Should -Be 'table'
        $byRow[2].Seconds | Should -Be '12'
        $byRow[2].Size | Should -Be '1280x720'
        $byRow[3].Model | Should -Be 'sora-2-pro'
        $byRow[4].Prompt | Should -Be 'A plain prompt'
        $items | ForEach-Object { $_.Succeeded | Should -BeTrue -Because $_.Error }
    }

    It 'ends a moderated row with its error, without an error record, and goes on' {
        $out = Join-Path $work 'moderated'

        $items = @('Fine one', 'Blocked #moderation_blocked', 'Fine two' | Invoke-SoraBatch -OutputPath $out -PollIntervalSec 0.1 -ErrorVariable problems -WarningVariable warnings -WarningAction SilentlyContinue)

        $problems | Should -HaveCount 0
        $blocked = $items | Where-Object Row -eq 2
        $blocked.Status | Should -Be 'failed'
        $blocked.ErrorCode | Should -Be 'moderation_blocked'
        $blocked.Error | Should -Match 'moderation_blocked'
        @($items | Where-Object Succeeded) | Should -HaveCount 2
        $warnings | Should -HaveCount 1
        "$warnings" | Should -Match '^1 of 3 rows did not succeed'
    }

    It 'refuses bad rows before anything is sent or written, naming each' {
        Clear-EmulatorRequest $emulator
        $out = Join-Path $work 'refused'
        $rows = @(
            [pscustomobject]@{ Prompt = 'Fine' }
            [pscustomobject]@{ Promt = 'Misspelled column' }
            [pscustomobject]@{ Prompt = 'Bad size'; Size = 'big' }
        )

        { $rows | Invoke-SoraBatch -OutputPath $out -ErrorAction Stop } | Should -Throw -ErrorId 'SoraPS.InvalidArgument,SoraPS.Commands.InvokeSoraBatchCommand'
        try { $rows | Invoke-SoraBatch -OutputPath $out -ErrorAction Stop } catch { $message = $_.Exception.Message }

        $message | Should -Match 'Row 2: no Prompt \(its properties: Promt\)'
        $message | Should -Match "Row 3: The size 'big' is not of the form WIDTHxHEIGHT"
        @(Get-EmulatorRequest $emulator) | Should -HaveCount 0
        Test-Path $out | Should -BeFalse
    }

    It 'refuses a bad -Shard before anything is sent or written' {
        Clear-EmulatorRequest $emulator
        $out = Join-Path $work 'badshard'

        { 'A clip' | Invoke-SoraBatch -OutputPath $out -Shard 9/8 -ErrorAction Stop } | Should -Throw -ErrorId 'SoraPS.InvalidArgument,SoraPS.Commands.InvokeSoraBatchCommand'
        { 'A clip' | Invoke-SoraBatch -OutputPath $out -Shard 9/8 -ErrorAction Stop } | Should -Throw "*-Shard '9/8' names part 9 of 8*"

        @(Get-EmulatorRequest $emulator) | Should -HaveCount 0
        Test-Path $out | Should -BeFalse
    }

    It 'refuses the journal of another output folder, leaving it as it was' {
        $journal = Join-Path $work 'elsewhere.journal'
        $null = 'A clip' | Invoke-SoraBatch -OutputPath (Join-Path $work 'first-folder') -JournalPath $journal -PollIntervalSec 0.1
        $before = Get-FileHash -LiteralPath $journal
        Clear-EmulatorRequest $emulator

        { 'A clip' | Invoke-SoraBatch -OutputPath (Join-Path $work 'second-folder') -JournalPath $journal -ErrorAction Stop } |
            Should -Throw -ErrorId 'SoraPS.JournalMismatch,SoraPS.Commands.InvokeSoraBatchCommand'

        (Get-FileHash -LiteralPath $journal).Hash | Should -Be $before.Hash
        @(Get-EmulatorRequest $emulator) | Should -HaveCount 0
    }

    It 'with -WhatIf sends nothing and writes nothing, and reads an existing journal to tell what is left' {
        $out = Join-Path $work 'whatif'
        Clear-EmulatorRequest $emulator

        'First', 'Second' | Invoke-SoraBatch -OutputPath $out -WhatIf

        @(Get-EmulatorRequest $emulator) | Should -HaveCount 0
        Test-Path $out | Should -BeFalse

        $null = 'First' | Invoke-SoraBatch -OutputPath $out -PollIntervalSec 0.1
        $before = Get-FileHash -LiteralPath (Join-Path $out 'SoraBatch.journal')
        Clear-EmulatorRequest $emulator
        'First', 'Second' | Invoke-SoraBatch -OutputPath $out -WhatIf
        @(Get-EmulatorRequest $emulator) | Should -HaveCount 0
        (Get-FileHash -LiteralPath (Join-Path $out 'SoraBatch.journal')).Hash | Should -Be $before.Hash
    }

    It 'stops on Ctrl+C while its jobs still render, and the next run continues without creating anything twice' {
        $out = Join-Path $work 'stopped'
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$manifest'; Connect-Sora -BaseUri '$($emulator.BaseUri)'; 1..4 | ForEach-Object { 'Stopped clip ' + `$_ + ' #render=5' } | Invoke-SoraBatch -OutputPath '$out' -ThrottleLimit 2 -PollIntervalSec 0.1")
            $handle = $ps.BeginInvoke()
            Wait-ForJobs { @(Get-SoraVideo -All | Where-Object Prompt -like 'Stopped clip*').Count -ge 2 }
            $ps.Stop()
            $handle.IsCompleted | Should -BeTrue
        }
        finally {
            $ps.Dispose()
        }

        # Stopped before its jobs ended: it did not wait for them.
        $before = @(Get-SoraVideo -All | Where-Object Prompt -like 'Stopped clip*')
        $before | Should -HaveCount 2
        $before | ForEach-Object { $_.IsFinished | Should -BeFalse }

        $items = @(1..4 | ForEach-Object { "Stopped clip $_ #render=5" } | Invoke-SoraBatch -OutputPath $out -ThrottleLimit 2 -PollIntervalSec 0.1)

        $items | Should -HaveCount 4
        $items | ForEach-Object { $_.Succeeded | Should -BeTrue -Because $_.Error }
        @(Get-SoraVideo -All | Where-Object Prompt -like 'Stopped clip*') | Should -HaveCount 4
        ($items | Where-Object Row -le 2).VideoId | Sort-Object | Should -Be ($before.Id | Sort-Object)
    }

    It 'stops when the pipeline after it has what it wanted, and leaves the journal free and consistent' {
        $out = Join-Path $work 'first-two'
        $prompts = 1..6 | ForEach-Object { "First two clip $_ #render=0.5" }

        $two = @($prompts | Invoke-SoraBatch -OutputPath $out -ThrottleLimit 2 -PollIntervalSec 0.1 | Select-Object -First 2)

        $two | Should -HaveCount 2
        $two | ForEach-Object { $_.Succeeded | Should -BeTrue }
        # The journal is not held any more, and a run of the same rows finishes them without a second job.
        # A create that the stop cut off before the server had it made no job: that row is unknown, and
        # only -RetryUnknown creates it.
        $all = @($prompts | Invoke-SoraBatch -OutputPath $out -ThrottleLimit 2 -PollIntervalSec 0.1 -WarningAction SilentlyContinue)
        $all | Should -HaveCount 6
        $all | ForEach-Object { $_.Status | Should -BeIn @('completed', 'unknown') -Because $_.Error }
        $completed = @($all | Where-Object Succeeded)
        $completed.Count | Should -BeGreaterOrEqual 2
        @(Get-SoraVideo -All | Where-Object Prompt -like 'First two clip*') | Should -HaveCount $completed.Count
        $retried = @($prompts | Invoke-SoraBatch -OutputPath $out -ThrottleLimit 2 -PollIntervalSec 0.1 -RetryUnknown)
        $retried | ForEach-Object { $_.Succeeded | Should -BeTrue -Because $_.Error }
        @(Get-SoraVideo -All | Where-Object Prompt -like 'First two clip*') | Should -HaveCount 6
    }

    It 'has a table and a list view for its results' {
        $controls = (Get-FormatData SoraPS.SoraBatchResult).FormatViewDefinition | ForEach-Object { $_.Control.GetType().Name }
        $controls | Should -Contain 'TableControl'
        $controls | Should -Contain 'ListControl'
        $table = 'A formatted clip' | Invoke-SoraBatch -OutputPath (Join-Path $work 'formatted') -PollIntervalSec 0.1 | Format-Table | Out-String -Width 300
        $table | Should -Match 'Row\s+Key\s+Status\s+VideoId\s+Files\s+Duration\s+Error'
        $table | Should -Match 'completed\s+video_\w+\s+1'
    }

    It 'writes no key, token or header value to the journal or the review page' {
        $secure = Start-Emulator -ApiKey 'sk-batch-secret-4242' -RequireHeader @{ 'x-tenant' = 'tenant-secret-7777' } -RenderSeconds 0.3 -PollAfterMs 20
        try {
            Connect-Sora -BaseUri $secure.BaseUri -ApiKey (ConvertTo-SecureString 'sk-batch-secret-4242' -AsPlainText -Force) -Header @{ 'x-tenant' = 'tenant-secret-7777' }
            $out = Join-Path $work 'secrets'
            $report = Join-Path $out 'review.html'

            $items = @('A secret-free clip', 'Blocked #moderation_blocked' | Invoke-SoraBatch -OutputPath $out -ReportPath $report -PollIntervalSec 0.1 -WarningAction SilentlyContinue)

            $items | Should -HaveCount 2
            foreach ($file in (Join-Path $out 'SoraBatch.journal'), $report) {
                $text = Get-Content -Raw -LiteralPath $file
                $text | Should -Not -BeNullOrEmpty
                $text | Should -Not -Match 'sk-batch-secret'
                $text | Should -Not -Match 'tenant-secret'
                $text | Should -Not -Match 'x-tenant'
                $text | Should -Not -Match 'Authorization'
            }
        }
        finally {
            Connect-Sora -BaseUri $emulator.BaseUri
            Stop-Emulator $secure
        }
    }
}
