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
    Docs compiles docs/en-US/about_*.md into about topics, and, where Microsoft.PowerShell.PlatyPS is
    installed, the cmdlet pages into en-US/SoraPS.dll-Help.xml.
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
Import-Module (Join-Path $root 'tests/Support/AboutHelp.psm1') -Force

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

# The gateway suites (tests/Gateways): a real Portkey, which listens on every interface, so the suite
# runs only inside a private network namespace with nothing but loopback. Portkey is installed first,
# outside the namespace, where npm can reach its registry. Returns the totals, or why it did not run.
function Invoke-GatewaySuite([string] $ResultPath) {
    if (-not $IsLinux) { return 'a private network namespace needs Linux' }
    foreach ($tool in 'unshare', 'ip', 'node') {
        if (-not (Get-Command $tool -CommandType Application -ErrorAction SilentlyContinue)) { return "$tool is not on PATH" }
    }
    & unshare --map-root-user --net true 2>$null
    if ($LASTEXITCODE -ne 0) { return 'this user cannot create a network namespace (unshare --map-root-user --net)' }

    Import-Module (Join-Path $root 'tests/Support/Gateways.psm1') -Force
    $null = Install-Portkey
    $pester = (& dotnet msbuild (Join-Path $root 'tests/Tools/Tools.csproj') -nologo -getProperty:PesterModule | Out-String).Trim()
    $quote = { param([string] $text) "'" + ($text -replace "'", "'\''") + "'" }
    $pwsh = (Get-PowerShellCommand | ForEach-Object { & $quote $_ }) -join ' '
    $suite = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $root 'tests/Invoke-PesterSuite.ps1'), '-Path', (Join-Path $root 'tests/Gateways'),
        '-PesterModule', $pester, '-ResultPath', $ResultPath) | ForEach-Object { & $quote $_ }
    $totals = [pscustomobject]@{ Passed = 0; Failed = 1 }
    & unshare --map-root-user --net bash -c "ip link set lo up && exec $pwsh $($suite -join ' ')" | ForEach-Object {
        Write-Host $_
        if ($_ -match '^Pester: (\d+) passed, (\d+) failed$') { $totals = [pscustomobject]@{ Passed = [int] $Matches[1]; Failed = [int] $Matches[2] } }
    }
    if ($LASTEXITCODE -ne 0 -and $totals.Failed -eq 0) { $totals.Failed = 1 }
    $totals
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

    # SORAPS_REQUIRE_GATEWAY_SUITE (set by .ci/run) makes a gateway suite that cannot run a failure.
    $gateway = [pscustomobject]@{ Passed = 0; Failed = 1 }
    try {
        $outcome = Invoke-GatewaySuite (Join-Path $results 'gateways.xml')
        if ($outcome -is [string]) {
            Write-Host "The gateway suite (Portkey) did not run: $outcome."
            $gateway = [pscustomobject]@{ Passed = 0; Failed = $(if ($env:SORAPS_REQUIRE_GATEWAY_SUITE) { 1 } else { 0 }) }
        }
        else {
            $gateway = $outcome
        }
    }
    catch {
        Write-Host "The gateway suite (Portkey) failed to start: $_"
    }

    Write-Host "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed"
    Write-Host "Pester: $($pester.Passed) passed, $($pester.Failed) failed"
    Write-Host "Pester through Portkey: $($gateway.Passed) passed, $($gateway.Failed) failed"
    $failed = $xunit.Failed + $pester.Failed + $gateway.Failed
    # The totals alone on the last line, as CI reads them.
    Write-Host "$($xunit.Passed + $pester.Passed + $gateway.Passed) passed, $failed failed"
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
    # builders without PlatyPS ship it too: about_SoraPS.md into about_SoraPS.help.txt (always), and
    # the cmdlet pages (*-*.md) into SoraPS.dll-Help.xml (MAML) where Microsoft.PowerShell.PlatyPS is
    # installed; elsewhere the MAML is edited by hand, and tests check it against the pages.
    $docs = Join-Path $root 'docs/en-US'
    $compiled = Join-Path $root 'src/SoraPS/en-US'
    $null = New-Item -ItemType Directory -Force $compiled

    foreach ($about in Get-ChildItem $docs -Filter 'about_*.md') {
        $target = Join-Path $compiled ($about.BaseName + '.help.txt')
        # UTF-8 with a byte order mark, which Windows PowerShell 5.1 needs to read anything beyond ASCII.
        [System.IO.File]::WriteAllText($target, (ConvertTo-AboutHelpText $about.FullName), [System.Text.UTF8Encoding]::new($true))
    }

    if (Get-Module -ListAvailable Microsoft.PowerShell.PlatyPS | Where-Object Version -ge '1.0.0') {
        Import-Module Microsoft.PowerShell.PlatyPS -MinimumVersion 1.0.0 -ErrorAction Stop
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
    }
    else {
        Write-Warning 'Microsoft.PowerShell.PlatyPS 1.x is not installed: only the about topic was compiled; SoraPS.dll-Help.xml was left as it is.'
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
