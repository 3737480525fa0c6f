#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# The packages that build.ps1 -Task Package makes, installed as users install them: the module with
# PSResourceGet's Install-PSResource from the folder repository out/packages, and the emulator with
# `dotnet tool install`. Each install goes to a temporary place; nothing of the user's is touched.
# Tagged Package: they need what build.ps1 -Task Package made, PSResourceGet (PowerShell 7.4+), and a
# HOME that a child process can move (Linux and macOS; on Windows the CurrentUser scope is the
# Documents folder). build.ps1 -Task Test runs them; the Windows jobs of the workflow leave them out.

BeforeAll {
    $script:root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:packages = Join-Path $root 'out/packages'
    # The built manifest, read as Import-Module reads it (its RootModule depends on $PSEdition).
    $script:built = Test-ModuleManifest (Join-Path $root 'out/SoraPS/SoraPS.psd1')
    $script:version = $built.Version.ToString()
    Import-Module (Join-Path $root 'tests/Support/PowerShellProcess.psm1') -Force
    Import-Module (Join-Path $root 'src/SoraPS.Emulator/EmulatorProcess.psm1') -Force
    $script:work = Join-Path ([System.IO.Path]::GetTempPath()) ('sorapspackage' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory $work
}

AfterAll {
    if ($work -and (Test-Path $work)) { Remove-Item -Recurse -Force $work }
}

Describe 'The module package' -Tag 'Package' {
    BeforeAll {
        $script:emulator = Start-Emulator -RenderSeconds 0.3
        $script:tempHome = Join-Path $work 'home'
        $null = New-Item -ItemType Directory $tempHome
    }

    AfterAll {
        if ($emulator) { Stop-Emulator $emulator }
    }

    It 'is in the folder repository' {
        Join-Path $packages "SoraPS.$version.nupkg" | Should -Exist
    }

    It 'installs with Install-PSResource into a temporary home and runs a command against the emulator' {
        # One child process installs, a second imports by name only: what a user's next session does.
        $install = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name SoraPSLocal -Uri '$packages' -Trusted
Install-PSResource -Name SoraPS -Version '$version' -Repository SoraPSLocal -Scope CurrentUser -TrustRepository
(Get-InstalledPSResource -Name SoraPS -Scope CurrentUser).InstalledLocation
"@
        $use = @"
`$ErrorActionPreference = 'Stop'
Import-Module SoraPS
Connect-Sora -BaseUri '$($emulator.BaseUri)'
`$video = New-SoraVideo 'From the installed package' | Wait-SoraVideo -PollIntervalSec 0.1
'{0}|{1}|{2}' -f (Get-Module SoraPS).ModuleBase, `$video.Status, (Get-Command -Module SoraPS).Count
"@
        $saved = @{ HOME = $env:HOME; XDG_DATA_HOME = $env:XDG_DATA_HOME; XDG_CONFIG_HOME = $env:XDG_CONFIG_HOME; XDG_CACHE_HOME = $env:XDG_CACHE_HOME }
        try {
            $env:HOME = $tempHome
            $env:XDG_DATA_HOME = Join-Path $tempHome '.local/share'
            $env:XDG_CONFIG_HOME = Join-Path $tempHome '.config'
            $env:XDG_CACHE_HOME = Join-Path $tempHome '.cache'
            # .NET answers an empty path for a data folder that does not exist, and PSResourceGet would
            # then keep its repository list in the current directory.
            foreach ($folder in $env:XDG_DATA_HOME, $env:XDG_CONFIG_HOME, $env:XDG_CACHE_HOME) { $null = New-Item -ItemType Directory -Force $folder }
            $installed = Invoke-PowerShell -NoProfile -NonInteractive -Command $install
            $installExit = $LASTEXITCODE
            $result = Invoke-PowerShell -NoProfile -NonInteractive -Command $use
            $useExit = $LASTEXITCODE
        }
        finally {
            foreach ($name in $saved.Keys) { Set-Item "env:$name" $saved[$name] }
        }

        $installExit | Should -Be 0
        "$installed" | Should -BeLike "$tempHome*"
        $useExit | Should -Be 0
        $parts = "$result".Split('|')
        $parts[0] | Should -BeLike "$tempHome*SoraPS*$version"
        $parts[1] | Should -Be 'completed'
        [int] $parts[2] | Should -Be $built.ExportedCmdlets.Count
    }
}

Describe 'The emulator tool' -Tag 'Package' {
    It 'installs with dotnet tool install from the folder and serves the API' {
        $toolPath = Join-Path $work 'tool'
        & dotnet tool install SoraPS.Emulator --version $version --tool-path $toolPath --source $packages | Out-Null
        $LASTEXITCODE | Should -Be 0

        $command = Join-Path $toolPath ($(if ($IsWindows -or $PSVersionTable.PSEdition -eq 'Desktop') { 'soraps-emulator.exe' } else { 'soraps-emulator' }))
        $command | Should -Exist
        $start = New-Object System.Diagnostics.ProcessStartInfo $command
        $start.Arguments = '--urls http://127.0.0.1:0 --render-seconds 0'
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($start)
        try {
            $line = $process.StandardOutput.ReadLine()
            $line | Should -Match 'http://127\.0\.0\.1:\d+/v1/'
            $base = [regex]::Match($line, 'http://127\.0\.0\.1:\d+/v1/').Value

            $created = Invoke-RestMethod -Method Post "${base}videos" -ContentType 'application/json' -Body '{"prompt":"From the tool"}'
            $created.status | Should -Be 'queued'
            (Invoke-RestMethod "${base}videos/$($created.id)").status | Should -Be 'completed'
        }
        finally {
            if (-not $process.HasExited) { $process.Kill() }
            $process.Dispose()
        }
    }
}
