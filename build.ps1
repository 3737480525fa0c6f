#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, documents and demonstrates SoraPS.

.DESCRIPTION
    Build (the default) lays the importable module out in out/SoraPS:
        SoraPS.psd1  SoraPS.psm1  SoraPS.Format.ps1xml  en-US/
        bin/net472/  (Windows PowerShell 5.1; carries System.Text.Json)
        bin/net8.0/  (PowerShell 7.4+; uses PowerShell's own System.Text.Json)
    Test runs the xunit suites (dotnet test) and then the Pester suites in a fresh pwsh that imports
    out/SoraPS. Docs compiles docs/en-US with Microsoft.PowerShell.PlatyPS into en-US/SoraPS.dll-Help.xml.
    Demo starts the local emulator and runs the README's quick start against it.

.EXAMPLE
    ./build.ps1

.EXAMPLE
    ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Docs', 'Demo', 'Clean')]
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = $PSScriptRoot
$out = Join-Path $root 'out'
$moduleDir = Join-Path $out 'SoraPS'
$frameworks = 'net472', 'net8.0'

function Invoke-Native {
    param([string] $Command, [string[]] $Arguments)
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Command $($Arguments -join ' ') failed with exit code $LASTEXITCODE." }
}

function Get-ModuleVersion {
    $props = [xml](Get-Content -Raw (Join-Path $root 'Directory.Build.props'))
    $version = $props.Project.PropertyGroup | ForEach-Object { $_.ModuleVersion } | Where-Object { $_ } | Select-Object -First 1
    if (-not $version) { throw 'Directory.Build.props has no <ModuleVersion>.' }
    $version
}

function Invoke-Build {
    if (Test-Path $moduleDir) { Remove-Item -Recurse -Force $moduleDir }
    $null = New-Item -ItemType Directory -Force $moduleDir

    foreach ($framework in $frameworks) {
        $binDir = Join-Path $moduleDir "bin/$framework"
        Invoke-Native dotnet @('publish', (Join-Path $root 'src/SoraPS/SoraPS.csproj'), '-c', $Configuration, '-f', $framework, '-o', $binDir, '--nologo')
        # Build leftovers that a module does not load.
        Get-ChildItem $binDir -Include '*.pdb', '*.deps.json', '*.xml' -Recurse | Remove-Item -Force
    }

    # The host supplies System.Management.Automation, and PowerShell 7 its own System.Text.Json.
    if (Get-ChildItem $moduleDir -Recurse -Filter 'System.Management.Automation.dll') { throw 'System.Management.Automation.dll must not ship.' }
    if (Test-Path (Join-Path $moduleDir 'bin/net8.0/System.Text.Json.dll')) { throw 'The net8.0 build must not ship System.Text.Json.dll.' }

    Copy-Item (Join-Path $root 'src/SoraPS/SoraPS.psm1') $moduleDir
    Copy-Item (Join-Path $root 'src/SoraPS/SoraPS.Format.ps1xml') $moduleDir
    $manifest = Get-Content -Raw (Join-Path $root 'SoraPS.psd1')
    $manifest = $manifest -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion          = '$(Get-ModuleVersion)'"
    Set-Content -Path (Join-Path $moduleDir 'SoraPS.psd1') -Value $manifest -NoNewline

    # Help is compiled by the Docs task and kept in the repository, so builders without PlatyPS ship it too.
    $helpSource = Join-Path $root 'docs/en-US/compiled'
    if (Test-Path $helpSource) {
        $null = New-Item -ItemType Directory -Force (Join-Path $moduleDir 'en-US')
        Copy-Item (Join-Path $helpSource '*') (Join-Path $moduleDir 'en-US') -Recurse
    }

    Write-Host "Module laid out in $moduleDir"
}

function Invoke-Test {
    Invoke-Native dotnet @('test', (Join-Path $root 'SoraPS.sln'), '-c', $Configuration, '--nologo')
    if (-not (Get-Module -ListAvailable Pester | Where-Object Version -ge '5.0')) {
        Write-Warning 'Pester 5 is not installed: the PowerShell-level tests were not run.'
        return
    }

    if (-not (Test-Path (Join-Path $moduleDir 'SoraPS.psd1'))) { Invoke-Build }
    # A fresh process: an assembly loaded into this session could not be replaced by a rebuild.
    $script = "Import-Module Pester -MinimumVersion 5.0; `$c = New-PesterConfiguration; `$c.Run.Path = '$root/tests'; `$c.Run.Exit = `$true; `$c.Output.Verbosity = 'Detailed'; Invoke-Pester -Configuration `$c"
    Invoke-Native (Get-Process -Id $PID).Path @('-NoProfile', '-NonInteractive', '-Command', $script)
}

function Invoke-Docs {
    Import-Module Microsoft.PowerShell.PlatyPS -ErrorAction Stop
    $compiled = Join-Path $root 'docs/en-US/compiled'
    $pages = Get-ChildItem (Join-Path $root 'docs/en-US') -Filter '*-*.md'
    $help = $pages.FullName | Import-MarkdownCommandHelp
    $temp = Join-Path ([System.IO.Path]::GetTempPath()) ("sorapsdocs" + [guid]::NewGuid().ToString('N'))
    $null = $help | Export-MamlCommandHelp -OutputFolder $temp -Force
    $maml = Get-ChildItem $temp -Recurse -Filter '*.xml' | Select-Object -First 1
    $null = New-Item -ItemType Directory -Force $compiled
    Copy-Item $maml.FullName (Join-Path $compiled 'SoraPS.dll-Help.xml') -Force
    Remove-Item -Recurse -Force $temp
    Write-Host "Help compiled to $compiled"
    if (Test-Path $moduleDir) {
        $null = New-Item -ItemType Directory -Force (Join-Path $moduleDir 'en-US')
        Copy-Item (Join-Path $compiled '*') (Join-Path $moduleDir 'en-US') -Recurse -Force
    }
}

function Invoke-Demo {
    if (-not (Test-Path (Join-Path $moduleDir 'SoraPS.psd1'))) { Invoke-Build }
    Import-Module (Join-Path $root 'src/SoraPS.Emulator/EmulatorProcess.psm1') -Force
    $emulator = Start-Emulator -RenderSeconds 3 -PollAfterMs 500
    try {
        $demoDir = Join-Path $out 'demo'
        $null = New-Item -ItemType Directory -Force $demoDir
        $prompts = Join-Path $demoDir 'prompts.csv'
        @(
            [pscustomobject]@{ Prompt = 'A calico cat playing a piano on stage'; Seconds = '4'; Size = '1280x720' }
            [pscustomobject]@{ Prompt = 'A paper boat drifting down a rainy street'; Seconds = '8'; Size = '720x1280' }
            [pscustomobject]@{ Prompt = 'Time-lapse of a city skyline from dusk to night'; Seconds = '4'; Size = '1280x720' }
        ) | Export-Csv -Path $prompts -NoTypeInformation

        Write-Host "Emulator at $($emulator.BaseUri); files go to $demoDir"
        $script = @"
Import-Module '$moduleDir/SoraPS.psd1'
Connect-Sora -BaseUri '$($emulator.BaseUri)'
Import-Csv '$prompts' | New-SoraVideo | Wait-SoraVideo -PollIntervalSec 0.5 |
    Save-SoraVideoContent -Path '$demoDir' -Variant Video, Thumbnail, Spritesheet -Force -PassThru |
    Format-Table Name, Length
Get-SoraVideo -All | Format-Table
"@
        # A fresh process, as a user would run it.
        Invoke-Native (Get-Process -Id $PID).Path @('-NoProfile', '-NonInteractive', '-Command', $script)
    }
    finally {
        Stop-Emulator $emulator
    }
}

foreach ($step in $Task) {
    switch ($step) {
        'Clean' { if (Test-Path $out) { Remove-Item -Recurse -Force $out } }
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Docs' { Invoke-Docs }
        'Demo' { Invoke-Demo }
    }
}
