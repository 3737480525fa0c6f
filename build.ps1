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
    # Build, Test, Docs, Demo or Clean; several run in the order given.
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
    $helpSource = Join-Path $root 'src/SoraPS/en-US'
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
    # Compiles docs/en-US into the help that ships with the module, kept in src/SoraPS/en-US so that
    # builders without PlatyPS ship it too: the cmdlet pages (*-*.md) into SoraPS.dll-Help.xml (MAML),
    # and about_SoraPS.md into about_SoraPS.help.txt (PlatyPS 1.x has no about-topic compiler).
    Import-Module Microsoft.PowerShell.PlatyPS -MinimumVersion 1.0.0 -ErrorAction Stop
    $docs = Join-Path $root 'docs/en-US'
    $compiled = Join-Path $root 'src/SoraPS/en-US'
    $null = New-Item -ItemType Directory -Force $compiled

    $pages = @(Get-ChildItem $docs -Filter '*-*.md')
    if ($pages.Count -eq 0) { throw "No cmdlet pages in $docs." }
    $help = $pages.FullName | Import-MarkdownCommandHelp
    $broken = @($help | Where-Object { $_.Diagnostics.HadErrors })
    if ($broken) { throw "PlatyPS could not read: $($broken.Diagnostics.FileName -join ', ')" }

    $temp = Join-Path ([System.IO.Path]::GetTempPath()) ('sorapsdocs' + [guid]::NewGuid().ToString('N'))
    try {
        $null = $help | Export-MamlCommandHelp -OutputFolder $temp -Force
        $maml = @(Get-ChildItem $temp -Recurse -Filter 'SoraPS.dll-Help.xml')
        if ($maml.Count -ne 1) { throw "Export-MamlCommandHelp wrote no single SoraPS.dll-Help.xml under $temp." }
        Copy-Item $maml[0].FullName (Join-Path $compiled 'SoraPS.dll-Help.xml') -Force
    }
    finally {
        if (Test-Path $temp) { Remove-Item -Recurse -Force $temp }
    }

    # An about topic in markdown (front matter, '# about_X', '## Section', paragraphs, '- ' lists,
    # fenced code) as the plain-text layout Get-Help reads: TOPIC, SHORT DESCRIPTION, LONG DESCRIPTION
    # and further sections in capitals, text indented four spaces and wrapped at 80 columns.
    function ConvertTo-AboutHelpText([string] $MarkdownPath) {
        $width = 80
        $lines = (Get-Content -Raw $MarkdownPath) -replace "`r`n", "`n" -split "`n"
        $text = [System.Collections.Generic.List[string]]::new()
        $plain = {
            param([string] $s)
            $s = $s -replace '\[([^\]]+)\]\([^)]+\)', '$1'
            $s = $s -replace '\*\*([^*]+)\*\*', '$1'
            $s -replace '`', ''
        }
        $wrap = {
            param([string] $s, [string] $first, [string] $rest)
            $line = $first
            $empty = $true
            foreach ($word in ($s -split '\s+' | Where-Object { $_ })) {
                if (-not $empty -and ($line.Length + 1 + $word.Length) -gt $width) {
                    $text.Add($line.TrimEnd())
                    $line = $rest + $word
                }
                else {
                    $line = if ($empty) { $line + $word } else { "$line $word" }
                }
                $empty = $false
            }
            if (-not $empty) { $text.Add($line.TrimEnd()) }
        }

        $i = 0
        if ($lines[0] -eq '---') {
            $i = 1
            while ($i -lt $lines.Count -and $lines[$i] -ne '---') { $i++ }
            $i++
        }

        $paragraph = [System.Collections.Generic.List[string]]::new()
        $item = $null
        $flush = {
            if ($paragraph.Count) { & $wrap (& $plain ($paragraph -join ' ')) '    ' '    '; $text.Add(''); $paragraph.Clear() }
        }
        for (; $i -lt $lines.Count; $i++) {
            $line = $lines[$i]
            if ($line -match '^```') {
                . $flush
                $i++
                while ($i -lt $lines.Count -and $lines[$i] -notmatch '^```') {
                    $text.Add(('        ' + $lines[$i]).TrimEnd())
                    $i++
                }
                $text.Add('')
            }
            elseif ($line -match '^# (.+)$') {
                . $flush
                $text.Add('TOPIC'); $text.Add('    ' + $Matches[1].Trim()); $text.Add('')
            }
            elseif ($line -match '^#{2,} (.+)$') {
                . $flush
                $text.Add((& $plain $Matches[1].Trim()).ToUpperInvariant())
            }
            elseif ($line -match '^- (.+)$') {
                . $flush
                $item = $Matches[1]
                while ($i + 1 -lt $lines.Count -and $lines[$i + 1] -match '^  +\S') { $i++; $item += ' ' + $lines[$i].Trim() }
                & $wrap (& $plain $item) '    - ' '      '
                if ($i + 1 -ge $lines.Count -or $lines[$i + 1] -notmatch '^- ') { $text.Add('') }
            }
            elseif ($line.Trim() -eq '') {
                . $flush
            }
            else {
                $paragraph.Add($line.Trim())
            }
        }
        . $flush
        while ($text.Count -and $text[$text.Count - 1] -eq '') { $text.RemoveAt($text.Count - 1) }
        ($text -join "`n") + "`n"
    }

    foreach ($about in Get-ChildItem $docs -Filter 'about_*.md') {
        $target = Join-Path $compiled ($about.BaseName + '.help.txt')
        # UTF-8 with a byte order mark, which Windows PowerShell 5.1 needs to read anything beyond ASCII.
        [System.IO.File]::WriteAllText($target, (ConvertTo-AboutHelpText $about.FullName), [System.Text.UTF8Encoding]::new($true))
    }

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

# pwsh -File passes "-Task Docs,Build" as one string.
foreach ($step in ($Task -split ',' | ForEach-Object Trim | Where-Object { $_ })) {
    switch ($step) {
        'Clean' { if (Test-Path $out) { Remove-Item -Recurse -Force $out } }
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Docs' { Invoke-Docs }
        'Demo' { Invoke-Demo }
        default { throw "Unknown task '$step'. Use Build, Test, Docs, Demo or Clean." }
    }
}
