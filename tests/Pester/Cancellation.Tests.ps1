#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Ctrl+C (PowerShell.Stop) ends every cmdlet within about a second, wherever it is, and leaves nothing
# behind; settings made in one runspace stay in that runspace.

BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:manifest = Join-Path $root 'out/SoraPS/SoraPS.psd1'
    Import-Module $manifest -Force -ErrorAction Stop
    Import-Module (Join-Path $root 'src/SoraPS.Emulator/EmulatorProcess.psm1') -Force
    $script:emulator = Start-Emulator -RenderSeconds 0.3 -PollAfterMs 20
    Connect-Sora -BaseUri $emulator.BaseUri
    $script:work = Join-Path ([System.IO.Path]::GetTempPath()) ("sorapscancel" + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory $work

    # Runs $Script in a runspace of its own, stops it once it is under way, and returns how long Stop took.
    function script:Measure-Stop([string] $Script, [int] $StartDelayMs = 700) {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$manifest'; Connect-Sora -BaseUri '$($emulator.BaseUri)'; $Script")
            $handle = $ps.BeginInvoke()
            Start-Sleep -Milliseconds $StartDelayMs
            $handle.IsCompleted | Should -BeFalse -Because 'the command should still be running when it is stopped'
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $clock.Elapsed
        }
        finally {
            $ps.Dispose()
        }
    }

    function script:New-CompletedVideo([string] $Prompt) {
        New-SoraVideo -Prompt $Prompt | Wait-SoraVideo -PollIntervalSec 0.05
    }
}

AfterAll {
    Disconnect-Sora
    if ($emulator) { Stop-Emulator $emulator }
    if ($work -and (Test-Path $work)) { Remove-Item -Recurse -Force $work }
}

Describe 'Stopping a command' {
    It 'stops a request the server does not answer' {
        Add-EmulatorFault $emulator @{ method = 'GET'; pathPattern = '/v1/videos'; kind = 'Stall'; stallForMs = 30000 }
        (Measure-Stop 'Get-SoraVideo').TotalSeconds | Should -BeLessThan 1.5
    }

    It 'stops between polls' {
        $slow = New-SoraVideo 'Slow render #render=120'
        (Measure-Stop "Wait-SoraVideo -Id '$($slow.Id)' -PollIntervalSec 60").TotalSeconds | Should -BeLessThan 1.5
    }

    It 'stops in the middle of a download and leaves no file' {
        $video = New-CompletedVideo "Big #bytes=$(8MB)"
        $folder = Join-Path $work 'download'
        Add-EmulatorFault $emulator @{ method = 'GET'; pathPattern = '/v1/videos/*/content'; kind = 'Stall'; afterBytes = 65536; stallForMs = 30000 }

        (Measure-Stop "Save-SoraVideoContent -Id '$($video.Id)' -Path '$folder'").TotalSeconds | Should -BeLessThan 1.5

        @(Get-ChildItem $folder -Force -ErrorAction SilentlyContinue) | Should -HaveCount 0
    }

    It 'stops while listing pages' {
        Add-EmulatorFault $emulator @{ method = 'GET'; pathPattern = '/v1/videos'; kind = 'Stall'; stallForMs = 30000 }
        (Measure-Stop 'Get-SoraVideo -All -Limit 1 | ForEach-Object { $_ }').TotalSeconds | Should -BeLessThan 1.5
    }
}

Describe 'Settings per runspace' {
    It 'keeps each runspace''s Connect-Sora to itself' {
        $other = [powershell]::Create()
        try {
            $null = $other.AddScript("Import-Module '$manifest'; Connect-Sora -BaseUri 'http://127.0.0.1:9/other'; (Get-SoraContext).BaseUri.ToString()")
            $otherBase = $other.Invoke()

            $otherBase | Should -Be 'http://127.0.0.1:9/other/'
            (Get-SoraContext).BaseUri.ToString() | Should -Be "$($emulator.BaseUri)/"
        }
        finally {
            $other.Dispose()
        }
    }
}
