#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Invoke-SoraBatch across real processes: killed outright and run again, several at once over one CSV,
# and two on one journal. Every outcome is checked against the emulator's own counts and content.

BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:module = Join-Path $root 'out/SoraPS/SoraPS.psd1'
    Import-Module $module -Force -ErrorAction Stop
    Import-Module (Join-Path $root 'src/SoraPS.Emulator/EmulatorProcess.psm1') -Force
    Import-Module (Join-Path $root 'tests/Support/BatchProcess.psm1') -Force
    Import-Module (Join-Path $root 'tests/Support/PowerShellProcess.psm1') -Force
    $script:work = Join-Path ([System.IO.Path]::GetTempPath()) ("sorapsrestart" + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory $work

    function script:New-PromptCsv([string] $Name, [object[]] $Rows) {
        $path = Join-Path $work $Name
        $Rows | Export-Csv -Path $path -NoTypeInformation
        $path
    }

    # The bytes the server holds for a job, to compare saved files with.
    function script:Get-ServerHash($Emulator, [string] $Id, [string] $Variant = 'video') {
        $copy = Join-Path $work ([guid]::NewGuid().ToString('N'))
        Invoke-WebRequest -UseBasicParsing -Uri "$($Emulator.BaseUri)/videos/$Id/content?variant=$Variant" -OutFile $copy
        (Get-FileHash -LiteralPath $copy -Algorithm SHA256).Hash
        Remove-Item -LiteralPath $copy
    }

    function script:Clear-EmulatorFault($Emulator) {
        $null = Invoke-RestMethod -Method Delete "$($Emulator.Root)/_emulator/faults"
    }
}

AfterAll {
    if ($work -and (Test-Path $work)) { Remove-Item -Recurse -Force $work }
}

Describe 'A batch killed outright and run again' {
    BeforeAll {
        $script:emulator = Start-Emulator -RenderSeconds 3 -PollAfterMs 50
        Connect-Sora -BaseUri $emulator.BaseUri
    }

    AfterAll {
        Disconnect-Sora
        Stop-Emulator $emulator
    }

    It 'makes exactly one job per row and ends with every file whole, after kills during the creates, the waits and a download' {
        # Rows 4 to 8 render longer, so that the second run is surely between creates when it is killed:
        # a kill during a create would lose a second answer, and this test counts the one it loses itself.
        $csv = New-PromptCsv 'restart.csv' @(1..8 | ForEach-Object { [pscustomobject]@{ Prompt = "Restart clip $_ #render=$(if ($_ -le 3) { 3 } else { 6 }) #bytes=3000000" } })
        $out = Join-Path $work 'restart'
        $run = @{ Module = $module; BaseUri = $emulator.BaseUri; Csv = $csv; OutputPath = $out; ThrottleLimit = 2 }

        # 1. During the creates: the third create reaches the server, which makes the job, but its answer never comes.
        $first = Start-BatchProcess @run
        Wait-Until { (Get-EmulatorStats $emulator).jobsCreated -ge 2 } -Because 'the first two creates did not come'
        Add-EmulatorFault $emulator @{ method = 'POST'; pathPattern = '/v1/videos'; kind = 'Stall'; afterBytes = 0; stallForMs = 120000 }
        Wait-Until { (Get-EmulatorStats $emulator).jobsCreated -ge 3 } -Because 'the third create did not come'
        Start-Sleep -Milliseconds 300
        $killed = Stop-BatchProcess $first
        $killed.ExitCode | Should -Not -Be 0
        Clear-EmulatorFault $emulator

        # 2. During the waits: two new jobs are rendering when the process dies.
        $second = Start-BatchProcess @run
        Wait-Until { (Get-EmulatorStats $emulator).jobsCreated -ge 5 } -Because 'the second run created nothing'
        Start-Sleep -Seconds 1
        $null = Stop-BatchProcess $second

        # 3. In the middle of a download: the next download stops after 1 MB and the process dies there.
        Add-EmulatorFault $emulator @{ method = 'GET'; pathPattern = '/v1/videos/*/content'; kind = 'Stall'; afterBytes = 1048576; stallForMs = 120000 }
        $third = Start-BatchProcess @run
        Wait-Until { @(Get-ChildItem -LiteralPath $out -Force -Filter '.*.partial' -ErrorAction SilentlyContinue | Where-Object Length -ge 1MB).Count -gt 0 } -TimeoutSec 90 -Because 'no download was cut in the middle'
        $partial = Get-ChildItem -LiteralPath $out -Force -Filter '.*.partial' | Where-Object Length -ge 1MB | Select-Object -First 1
        $null = Stop-BatchProcess $third
        Clear-EmulatorFault $emulator
        Clear-EmulatorRequest $emulator

        # 4. To the end.
        $last = Wait-BatchProcess (Start-BatchProcess @run)

        $last.Error | Should -BeNullOrEmpty
        $last.ExitCode | Should -Be 0
        $last.Results | Should -HaveCount 8
        $last.Results | ForEach-Object { $_.Succeeded | Should -BeTrue -Because "$($_.Prompt): $($_.Error)" }
        $stats = Get-EmulatorStats $emulator
        $stats.jobsCreated | Should -Be 8 -Because 'a row whose create was sent is never created again'
        $stats.maxUnfinished | Should -BeLessOrEqual 2
        # The lost answer's job was found on the server, not made again.
        @($last.Results | Where-Object Adopted) | Should -HaveCount 1
        ($last.Results.VideoId | Sort-Object -Unique) | Should -HaveCount 8
        $jobs = @(Get-SoraVideo -All -Limit 100 -ErrorAction Stop | Where-Object Prompt -like 'Restart clip*')
        ($jobs | Group-Object Prompt | Where-Object Count -ne 1) | Should -BeNullOrEmpty
        # The cut download went on from where it stopped, with a range.
        $ranged = @(Get-EmulatorRequest $emulator | Where-Object { $_.path -like '*/content' -and $_.headers.PSObject.Properties['Range'] })
        $ranged | Should -Not -BeNullOrEmpty
        $ranged[0].headers.Range | Should -Match '^bytes=\d+-$'
        foreach ($result in $last.Results) {
            $result.Files | Should -HaveCount 1
            (Get-FileHash -LiteralPath $result.Files[0] -Algorithm SHA256).Hash | Should -Be (Get-ServerHash $emulator $result.VideoId)
        }
        @(Get-ChildItem -LiteralPath $out -Force -Filter '.*.partial*') | Should -HaveCount 0
        $partial.Name | Should -Not -BeNullOrEmpty

        # The journal vouches for each file with its length and hash.
        $saved = Get-Content -LiteralPath (Join-Path $out 'SoraBatch.journal') | ConvertFrom-Json | Where-Object type -eq 'saved'
        foreach ($record in $saved) {
            $file = Get-Item -LiteralPath (Join-Path $out $record.file)
            $file.Length | Should -Be $record.length
            (Get-FileHash -LiteralPath $file.FullName -Algorithm SHA256).Hash | Should -Be $record.sha256.ToUpperInvariant()
        }

        # Run once more: nothing is sent, and every row is reported as it ended.
        Clear-EmulatorRequest $emulator
        $again = Wait-BatchProcess (Start-BatchProcess @run)
        @(Get-EmulatorRequest $emulator) | Should -HaveCount 0
        ($again.Results | Sort-Object Row | ConvertTo-Json -Depth 3) | Should -Be ($last.Results | Sort-Object Row | ConvertTo-Json -Depth 3)
    }
}

Describe 'Shards in processes of their own' {
    BeforeAll {
        $script:emulator = Start-Emulator -RenderSeconds 0.5 -PollAfterMs 20
    }

    AfterAll {
        Stop-Emulator $emulator
    }

    It 'three shards at once over one CSV and one folder take every row exactly once' {
        $csv = New-PromptCsv 'shards.csv' @(1..24 | ForEach-Object { [pscustomobject]@{ Prompt = "Shard clip $_ #render=0.5"; Name = if ($_ % 4 -eq 0) { "named-$_" } else { '' } } })
        $out = Join-Path $work 'shards'

        $shards = 1..3 | ForEach-Object { Start-BatchProcess -Module $module -BaseUri $emulator.BaseUri -Csv $csv -OutputPath $out -ThrottleLimit 2 -Shard "$_/3" }
        $ended = $shards | ForEach-Object { Wait-BatchProcess $_ }

        $ended | ForEach-Object { $_.Error | Should -BeNullOrEmpty; $_.ExitCode | Should -Be 0 }
        $all = @($ended | ForEach-Object { $_.Results })
        $all | Should -HaveCount 24
        ($all.Key | Sort-Object -Unique) | Should -HaveCount 24
        ($all.Row | Sort-Object) | Should -Be (1..24)
        $all | ForEach-Object { $_.Succeeded | Should -BeTrue }
        # Every shard had work: the split is not all in one part.
        $ended | ForEach-Object { $_.Results.Count | Should -BeGreaterThan 0 }
        (Get-EmulatorStats $emulator).jobsCreated | Should -Be 24
        $journals = @(Get-ChildItem -LiteralPath $out -Filter 'SoraBatch*.journal').Name | Sort-Object
        $journals | Should -Be @('SoraBatch.1-of-3.journal', 'SoraBatch.2-of-3.journal', 'SoraBatch.3-of-3.journal')
    }
}

Describe 'One journal, two processes' {
    BeforeAll {
        $script:emulator = Start-Emulator -RenderSeconds 0.5 -PollAfterMs 20
    }

    AfterAll {
        Stop-Emulator $emulator
    }

    It 'refuses a second process while the first runs, and the first ends unharmed' {
        $csv = New-PromptCsv 'locked.csv' @(1..2 | ForEach-Object { [pscustomobject]@{ Prompt = "Locked clip $_ #render=4" } })
        $out = Join-Path $work 'locked'
        $run = @{ Module = $module; BaseUri = $emulator.BaseUri; Csv = $csv; OutputPath = $out; ThrottleLimit = 1 }
        $holder = Start-BatchProcess @run
        Wait-Until { (Get-EmulatorStats $emulator).jobsCreated -ge 1 } -Because 'the first process created nothing'

        $second = Wait-BatchProcess (Start-BatchProcess @run)

        $second.ExitCode | Should -Be 3
        $second.Error | Should -Match '^SoraPS\.JournalInUse,'
        $second.Error | Should -Match 'is in use by another batch'
        $second.Results | Should -HaveCount 0
        (Get-EmulatorStats $emulator).jobsCreated | Should -Be 1
        $first = Wait-BatchProcess $holder
        $first.ExitCode | Should -Be 0
        $first.Results | ForEach-Object { $_.Succeeded | Should -BeTrue }
        (Get-EmulatorStats $emulator).jobsCreated | Should -Be 2
    }

    It 'refuses a journal that another program holds locked' {
        $journal = Join-Path $work 'held.journal'
        [System.IO.File]::WriteAllBytes($journal, [byte[]]@())
        # Another program's lock on the file: FileShare.None is a share mode on Windows and an
        # flock(LOCK_EX) on Linux and macOS, the lock that flock(1) and other tools take.
        $hold = "`$held = [System.IO.File]::Open('$($journal.Replace("'", "''"))', 'Open', 'ReadWrite', 'None'); 'held'; Start-Sleep -Seconds 60"
        $command = Get-PowerShellCommand
        $start = New-Object System.Diagnostics.ProcessStartInfo $command[0]
        $start.Arguments = (@($command | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $hold) | ForEach-Object { '"' + ($_ -replace '"', '\"') + '"' }) -join ' '
        $start.UseShellExecute = $false
        $start.RedirectStandardOutput = $true
        $holder = [System.Diagnostics.Process]::Start($start)
        try {
            Connect-Sora -BaseUri $emulator.BaseUri
            Clear-EmulatorRequest $emulator
            # Held once the holder says so: until then the file is free.
            $said = $holder.StandardOutput.ReadLineAsync()
            $said.Wait(60000) | Should -BeTrue -Because 'the holder should take the lock within a minute'
            $said.Result | Should -Be 'held'

            { 'A held clip' | Invoke-SoraBatch -OutputPath (Join-Path $work 'held') -JournalPath $journal -ErrorAction Stop } |
                Should -Throw -ErrorId 'SoraPS.JournalInUse,SoraPS.Commands.InvokeSoraBatchCommand'

            @(Get-EmulatorRequest $emulator) | Should -HaveCount 0
            (Get-Item -LiteralPath $journal).Length | Should -Be 0
        }
        finally {
            if (-not $holder.HasExited) { $holder.Kill() }
            $holder.Dispose()
            Disconnect-Sora
        }
    }
}
