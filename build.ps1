#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, documents and demonstrates SoraPS.

.DESCRIPTION
    Build (the default) lays the importable module out in out/SoraPS:
        SoraPS.psd1  SoraPS.psm1  SoraPS.Format.ps1xml  en-US/
        bin/net472/  (Windows PowerShell 5.1; carries System.Text.Json)
        bin/net8.0/  (PowerShell 7.4+; uses PowerShell's own System.Text.Json)
    Test runs the xunit suites (dotnet test), builds and packages, then runs every Pester suite in a fresh
    process of this PowerShell (tests/Invoke-PesterSuite.ps1, with Pester restored from NuGet), and ends
    with the totals over both on one line: "N passed, N failed".
    Docs compiles docs/en-US with Microsoft.PowerShell.PlatyPS into en-US/SoraPS.dll-Help.xml.
    Demo builds, starts the local emulator, runs the quick start against it (create, wait, save, list)
    and stops the emulator again.
    Package builds, then publishes out/SoraPS with PSResourceGet's Publish-PSResource to the folder
    repository out/packages (SoraPS.<version>.nupkg, release notes from CHANGELOG.md), and packs the
    emulator there as a .NET tool (SoraPS.Emulator.<version>.nupkg, command soraps-emulator).

    On a machine with only the .NET SDK, `dotnet tool restore` first brings the pinned PowerShell, and
    `dotnet pwsh ./build.ps1` runs this script.

.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Demo

.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    # Build, Test, Docs, Demo, Package or Clean; several run in the order given.
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
Import-Module (Join-Path $root 'tests/Support/PowerShellProcess.psm1') -Force

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

# Totals of the xunit runs from their TRX files: one file per test assembly.
function Get-TrxTotal([string] $Folder) {
    $passed = 0
    $failed = 0
    foreach ($trx in @(Get-ChildItem $Folder -Filter '*.trx' -ErrorAction SilentlyContinue)) {
        $counters = ([xml] (Get-Content -Raw -LiteralPath $trx.FullName)).TestRun.ResultSummary.Counters
        $passed += [int] $counters.passed
        $failed += [int] $counters.failed + [int] $counters.error + [int] $counters.timeout + [int] $counters.aborted
    }
    [pscustomobject]@{ Passed = $passed; Failed = $failed }
}

function Invoke-Test {
    # Every suite runs even when one before it fails, so the totals cover them all.
    $results = Join-Path $out 'test-results'
    if (Test-Path $results) { Remove-Item -Recurse -Force $results }

    & dotnet test (Join-Path $root 'SoraPS.sln') -c $Configuration --nologo --logger trx --results-directory (Join-Path $results 'xunit')
    $xunitExit = $LASTEXITCODE
    $xunit = Get-TrxTotal (Join-Path $results 'xunit')
    # A build error runs no test and writes no result: it must not read as a pass.
    if ($xunitExit -ne 0 -and $xunit.Failed -eq 0) { $xunit.Failed = 1 }

    $pester = [pscustomobject]@{ Passed = 0; Failed = 1 }
    try {
        # The package tests install what the Package task made; the other suites import out/SoraPS.
        Invoke-Package
        # A fresh process: an assembly loaded into this session could not be replaced by a rebuild.
        $suite = Join-Path $root 'tests/Invoke-PesterSuite.ps1'
        Invoke-PowerShell -NoProfile -NonInteractive -File $suite -ResultPath (Join-Path $results 'pester.xml') | ForEach-Object {
            Write-Host $_
            if ($_ -match '^Pester: (\d+) passed, (\d+) failed$') { $pester = [pscustomobject]@{ Passed = [int] $Matches[1]; Failed = [int] $Matches[2] } }
        }
        if ($LASTEXITCODE -ne 0 -and $pester.Failed -eq 0) { $pester.Failed = 1 }
    }
    catch {
        Write-Host "The Pester suites did not run: $_"
    }

    Write-Host "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed"
    Write-Host "Pester: $($pester.Passed) passed, $($pester.Failed) failed"
    $failed = $xunit.Failed + $pester.Failed
    # The totals alone on the last line, as CI reads them.
    Write-Host "$($xunit.Passed + $pester.Passed) passed, $failed failed"
    if ($failed -gt 0) { throw "$failed test(s) failed." }
}

# PlatyPS 1.0.3 writes each example whole into <maml:introduction> (the code with its markdown fences,
# then a stray U+0080 paragraph, then the text), so Get-Help would show the fences. This moves the code,
# without fences, into <dev:code> and the text into <dev:remarks>, where Get-Help expects them.
function Repair-MamlExample([string] $Path) {
    $doc = New-Object System.Xml.XmlDocument
    $doc.PreserveWhitespace = $true
    $doc.Load($Path)
    $ns = New-Object System.Xml.XmlNamespaceManager $doc.NameTable
    $ns.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
    $ns.AddNamespace('maml', 'http://schemas.microsoft.com/maml/2004/10')
    $ns.AddNamespace('dev', 'http://schemas.microsoft.com/maml/dev/2004/10')
    foreach ($example in $doc.SelectNodes('//command:example', $ns)) {
        $introduction = $example.SelectSingleNode('maml:introduction', $ns)
        $code = $example.SelectSingleNode('dev:code', $ns)
        $remarks = $example.SelectSingleNode('dev:remarks', $ns)
        $blocks = [System.Collections.Generic.List[string]]::new()
        foreach ($para in @($introduction.SelectNodes('maml:para', $ns))) {
            $null = $introduction.RemoveChild($para)
            $text = $para.InnerText
            if ($text -match '^```') {
                $blocks.Add(($text -replace '^```[A-Za-z]*\r?\n', '' -replace '\r?\n?```\s*$', ''))
            }
            elseif ($text.Trim([char]0x80).Trim()) {
                $null = $remarks.AppendChild($para)
            }
        }

        $code.InnerText = $blocks -join "`n`n"
    }

    $doc.Save($Path)
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
        Repair-MamlExample (Join-Path $compiled 'SoraPS.dll-Help.xml')
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
        Invoke-PowerShell -NoProfile -NonInteractive -Command $script
        if ($LASTEXITCODE -ne 0) { throw "The demo failed with exit code $LASTEXITCODE." }
    }
    finally {
        Stop-Emulator $emulator
    }
}

function Get-ReleaseNotes {
    param([string] $Version)
    # The notes of this version from CHANGELOG.md: its own section when it has one, else Unreleased.
    $lines = (Get-Content -Raw (Join-Path $root 'CHANGELOG.md')) -replace "`r`n", "`n" -split "`n"
    foreach ($heading in @("## [$Version]", '## [Unreleased]')) {
        $start = -1
        for ($i = 0; $i -lt $lines.Count; $i++) {
            if ($lines[$i].StartsWith($heading)) { $start = $i; break }
        }
        if ($start -lt 0) { continue }
        $section = [System.Collections.Generic.List[string]]::new()
        for ($i = $start + 1; $i -lt $lines.Count -and $lines[$i] -notmatch '^## '; $i++) { $section.Add($lines[$i]) }
        $notes = ($section -join "`n").Trim()
        if ($notes) { return $notes }
    }
    throw "CHANGELOG.md has no notes under '## [$Version]' or '## [Unreleased]'."
}

function Invoke-Package {
    # The Gallery package made by PSResourceGet itself: Publish-PSResource of a staged copy of the
    # module to a folder repository (out/packages), registered for this call only. The staged manifest
    # carries the release notes from CHANGELOG.md, which Publish-PSResource writes into the nuspec too.
    # The emulator is packed beside it as a .NET tool (soraps-emulator).
    Invoke-Build
    Import-Module Microsoft.PowerShell.PSResourceGet -MinimumVersion 1.0.0 -ErrorAction Stop

    $manifest = Import-PowerShellDataFile (Join-Path $moduleDir 'SoraPS.psd1')
    $version = $manifest.ModuleVersion
    $notes = Get-ReleaseNotes $version
    $packages = Join-Path $out 'packages'
    $null = New-Item -ItemType Directory -Force $packages
    foreach ($old in "SoraPS.$version.nupkg", "SoraPS.Emulator.$version.nupkg") {
        $oldPath = Join-Path $packages $old
        if (Test-Path $oldPath) { Remove-Item -Force $oldPath }
    }

    # Publish-PSResource takes a folder named after the module.
    $staging = Join-Path $out 'staging'
    $staged = Join-Path $staging 'SoraPS'
    if (Test-Path $staging) { Remove-Item -Recurse -Force $staging }
    $null = New-Item -ItemType Directory -Force $staging
    Copy-Item $moduleDir $staged -Recurse
    $stagedManifest = Join-Path $staged 'SoraPS.psd1'
    $manifestText = Get-Content -Raw $stagedManifest
    $notesLiteral = "'" + ($notes -replace "'", "''") + "'"
    $notesPattern = "(?m)^(\s*)ReleaseNotes(\s*)=\s*'(?:[^']|'')*'"
    if ($manifestText -notmatch $notesPattern) { throw 'SoraPS.psd1 has no PrivateData.PSData.ReleaseNotes to carry the release notes.' }
    $manifestText = [regex]::Replace($manifestText, $notesPattern, { param($m) "$($m.Groups[1].Value)ReleaseNotes$($m.Groups[2].Value)= $notesLiteral" })
    # With a byte order mark, so that Windows PowerShell 5.1 reads any non-ASCII release notes right.
    [System.IO.File]::WriteAllText($stagedManifest, $manifestText, [System.Text.UTF8Encoding]::new($true))

    # PSResourceGet keeps its repository list in the local application data folder; where that folder
    # does not exist yet, .NET names none and the list would land in the current directory.
    if (-not $IsWindows -and -not [Environment]::GetFolderPath('LocalApplicationData')) {
        $data = if ($env:XDG_DATA_HOME) { $env:XDG_DATA_HOME } else { Join-Path $HOME '.local/share' }
        $null = New-Item -ItemType Directory -Force $data
    }
    $repository = 'SoraPS-build-' + [guid]::NewGuid().ToString('N')
    Register-PSResourceRepository -Name $repository -Uri $packages -Trusted
    try {
        Publish-PSResource -Path $staged -Repository $repository
    }
    finally {
        Unregister-PSResourceRepository -Name $repository
        Remove-Item -Recurse -Force $staging
    }

    $nupkg = Join-Path $packages "SoraPS.$version.nupkg"
    if (-not (Test-Path $nupkg)) { throw "Publish-PSResource made no $nupkg." }
    Test-ModulePackage -Package $nupkg -Version $version -Notes $notes

    Invoke-Native dotnet @('pack', (Join-Path $root 'src/SoraPS.Emulator/SoraPS.Emulator.csproj'), '-c', $Configuration, '-o', $packages, '--nologo')
    $tool = Join-Path $packages "SoraPS.Emulator.$version.nupkg"
    if (-not (Test-Path $tool)) { throw "dotnet pack made no $tool." }
    Write-Host "Packaged SoraPS $version in $nupkg and the emulator tool in $tool"
}

# Reads a module package back as an installer would: its nuspec, and every file of the built module.
function Test-ModulePackage([string] $Package, [string] $Version, [string] $Notes) {
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    $check = Join-Path ([System.IO.Path]::GetTempPath()) ('sorapspackage' + [guid]::NewGuid().ToString('N'))
    try {
        [System.IO.Compression.ZipFile]::ExtractToDirectory($Package, $check)
        $metadata = ([xml] (Get-Content -Raw (Join-Path $check 'SoraPS.nuspec'))).package.metadata
        if ($metadata.id -ne 'SoraPS' -or $metadata.version -ne $Version) { throw "The package's nuspec says $($metadata.id) $($metadata.version)." }
        if (($metadata.releaseNotes -replace "`r`n", "`n").Trim() -ne ($Notes -replace "`r`n", "`n").Trim()) { throw "The package's nuspec does not carry this version's release notes." }
        if (-not ($metadata.tags -split ' ' -contains 'PSModule')) { throw "The package's nuspec lacks the PSModule tag." }
        $packed = Import-PowerShellDataFile (Join-Path $check 'SoraPS.psd1')
        if ($packed.PrivateData.PSData.ReleaseNotes -ne $Notes) { throw 'The packaged manifest does not carry the release notes.' }
        foreach ($file in Get-ChildItem $moduleDir -Recurse -File | Where-Object Name -ne 'SoraPS.psd1') {
            $relative = [System.IO.Path]::GetRelativePath($moduleDir, $file.FullName)
            $copy = Join-Path $check $relative
            if (-not (Test-Path $copy)) { throw "The package lacks $relative." }
            if ((Get-FileHash $copy).Hash -ne (Get-FileHash $file.FullName).Hash) { throw "$relative differs in the package." }
        }
    }
    finally {
        if (Test-Path $check) { Remove-Item -Recurse -Force $check }
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
        'Package' { Invoke-Package }
        default { throw "Unknown task '$step'. Use Build, Test, Docs, Demo, Package or Clean." }
    }
}
