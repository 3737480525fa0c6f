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
    Package builds, then packs out/SoraPS into out/packages/SoraPS.<version>.nupkg, the package that
    Publish-PSResource makes, with the release notes taken from CHANGELOG.md.

.EXAMPLE
    ./build.ps1

.EXAMPLE
    ./build.ps1 -Task Test
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
        Invoke-Native (Get-Process -Id $PID).Path @('-NoProfile', '-NonInteractive', '-Command', $script)
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
    # A .nupkg of the built module, laid out as PSResourceGet's Publish-PSResource packs a module
    # (src/code/PublishHelper.cs: CreateNuspec, then NuGet's pack): the module's files at the root,
    # <id>.nuspec beside them, and NuGet's [Content_Types].xml, _rels/.rels and core properties.
    # The release notes go into the packaged copy of the manifest only.
    Invoke-Build
    Add-Type -AssemblyName System.IO.Compression, System.IO.Compression.FileSystem

    $manifestPath = Join-Path $moduleDir 'SoraPS.psd1'
    $manifest = Import-PowerShellDataFile $manifestPath
    $id = [System.IO.Path]::GetFileNameWithoutExtension($manifestPath)
    $version = [version] $manifest.ModuleVersion
    $psData = $manifest['PrivateData']['PSData']
    $notes = Get-ReleaseNotes $manifest.ModuleVersion

    # The packaged manifest: the built one with ReleaseNotes taken from the changelog.
    $manifestText = Get-Content -Raw $manifestPath
    $notesLiteral = "'" + ($notes -replace "'", "''") + "'"
    $notesPattern = "(?m)^(\s*)ReleaseNotes(\s*)=\s*'(?:[^']|'')*'"
    if ($manifestText -match $notesPattern) {
        $manifestText = [regex]::Replace($manifestText, $notesPattern, { param($m) "$($m.Groups[1].Value)ReleaseNotes$($m.Groups[2].Value)= $notesLiteral" })
    }
    else {
        $psDataPattern = '(?m)^(\s*)PSData(\s*)=\s*@\{'
        if ($manifestText -notmatch $psDataPattern) { throw 'SoraPS.psd1 has no PrivateData.PSData to hold the release notes.' }
        $manifestText = [regex]::Replace($manifestText, $psDataPattern, { param($m) "$($m.Value)`n$($m.Groups[1].Value)    ReleaseNotes = $notesLiteral" }, 'None')
    }

    # Tags as PowerShellGet and PSResourceGet write them: PSModule, the manifest's tags, then the
    # editions and commands that the gallery searches by.
    $tags = [System.Collections.Generic.List[string]]::new()
    $add = { param([string] $tag) if ($tag -and -not ($tags -contains $tag)) { $tags.Add($tag) } }
    & $add 'PSModule'
    foreach ($tag in @($psData['Tags'])) { & $add $tag }
    foreach ($edition in @($manifest['CompatiblePSEditions'])) { & $add "PSEdition_$edition" }
    $cmdlets = @($manifest['CmdletsToExport'] | Where-Object { $_ -and $_ -ne '*' })
    if ($cmdlets.Count -eq 0) { throw 'SoraPS.psd1 must list its cmdlets in CmdletsToExport for the gallery.' }
    & $add 'PSIncludes_Cmdlet'
    foreach ($cmdlet in $cmdlets) { & $add "PSCmdlet_$cmdlet" }
    foreach ($cmdlet in $cmdlets) { & $add "PSCommand_$cmdlet" }
    $badTags = @($tags | Where-Object { $_ -match '\s' })
    if ($badTags) { throw "Tags cannot contain spaces: $($badTags -join ', ')" }

    # The nuspec, element by element as PublishHelper.CreateNuspec writes it.
    $ns = 'http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd'
    $metadata = [ordered]@{ id = $id }
    if ($psData['LicenseUri']) { $metadata.licenseUrl = ([string] $psData['LicenseUri']).Trim() }
    if ($psData['ProjectUri']) { $metadata.projectUrl = ([string] $psData['ProjectUri']).Trim() }
    if ($psData['IconUri']) { $metadata.iconUrl = ([string] $psData['IconUri']).Trim() }
    $metadata.releaseNotes = $notes
    $metadata.requireLicenseAcceptance = if ($psData['RequireLicenseAcceptance']) { 'true' } else { 'false' }
    $metadata.version = $version.ToString(3)
    $metadata.authors = $manifest.Author.Trim()
    $metadata.owners = $manifest.CompanyName.Trim()
    $metadata.description = $manifest.Description.Trim()
    $metadata.copyright = $manifest.Copyright.Trim()
    $metadata.tags = $tags -join ' '
    if ($metadata.description.Length -gt 4000) { throw 'The description is longer than the 4000 characters NuGet allows.' }
    if ($manifest['RequiredModules']) { throw 'SoraPS.psd1 has RequiredModules: add them to the nuspec as dependencies.' }

    $nuspec = [System.Xml.XmlDocument]::new()
    $null = $nuspec.AppendChild($nuspec.CreateXmlDeclaration('1.0', 'utf-8', $null))
    $package = $nuspec.AppendChild($nuspec.CreateElement('package', $ns))
    $metadataElement = $package.AppendChild($nuspec.CreateElement('metadata', $ns))
    foreach ($name in $metadata.Keys) {
        $element = $nuspec.CreateElement($name, $ns)
        $element.InnerText = $metadata[$name]
        $null = $metadataElement.AppendChild($element)
    }

    # What goes in: every file of the built module, with the manifest replaced.
    $files = @(Get-ChildItem $moduleDir -Recurse -File | ForEach-Object {
            [pscustomobject]@{ Name = [System.IO.Path]::GetRelativePath($moduleDir, $_.FullName).Replace('\', '/'); File = $_ }
        } | Sort-Object Name)
    foreach ($file in $files) {
        # NuGet escapes other characters in part names; none are expected in a module.
        if ($file.Name -notmatch '^[A-Za-z0-9._/-]+$') { throw "Cannot package '$($file.Name)': use letters, digits, '.', '_' and '-' in file names." }
    }

    $coreProperties = "package/services/metadata/core-properties/$([guid]::NewGuid().ToString('N')).psmdcp"
    $relsId = { 'R' + [guid]::NewGuid().ToString('N').Substring(0, 16).ToUpperInvariant() }
    $escape = { param([string] $s) [System.Security.SecurityElement]::Escape($s) }
    $rels = @"
<?xml version="1.0" encoding="utf-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/$id.nuspec" Id="$(& $relsId)" />
  <Relationship Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="/$coreProperties" Id="$(& $relsId)" />
</Relationships>
"@
    $extensions = @($files | ForEach-Object { [System.IO.Path]::GetExtension($_.Name).TrimStart('.') } | Where-Object { $_ } | Sort-Object -Unique)
    $contentTypes = @(
        '<?xml version="1.0" encoding="utf-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '  <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" />'
        '  <Default Extension="psmdcp" ContentType="application/vnd.openxmlformats-package.core-properties+xml" />'
        '  <Default Extension="nuspec" ContentType="application/octet" />'
        foreach ($extension in $extensions) { "  <Default Extension=""$extension"" ContentType=""application/octet"" />" }
        foreach ($file in $files | Where-Object { -not [System.IO.Path]::GetExtension($_.Name) }) { "  <Override PartName=""/$($file.Name)"" ContentType=""application/octet"" />" }
        '</Types>'
    ) -join "`n"
    $core = @"
<?xml version="1.0" encoding="utf-8"?>
<coreProperties xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.openxmlformats.org/package/2006/metadata/core-properties">
  <dc:creator>$(& $escape $metadata.authors)</dc:creator>
  <dc:description>$(& $escape $metadata.description)</dc:description>
  <dc:identifier>$(& $escape $id)</dc:identifier>
  <version>$($metadata.version)</version>
  <keywords>$(& $escape $metadata.tags)</keywords>
  <lastModifiedBy>build.ps1</lastModifiedBy>
</coreProperties>
"@

    $packages = Join-Path $out 'packages'
    $null = New-Item -ItemType Directory -Force $packages
    $nupkg = Join-Path $packages "$id.$($metadata.version).nupkg"
    if (Test-Path $nupkg) { Remove-Item -Force $nupkg }

    $utf8 = [System.Text.UTF8Encoding]::new($false)
    $zip = [System.IO.Compression.ZipFile]::Open($nupkg, [System.IO.Compression.ZipArchiveMode]::Create)
    try {
        $addText = {
            param([string] $name, [string] $text, [System.Text.Encoding] $encoding = $utf8)
            $writer = [System.IO.StreamWriter]::new($zip.CreateEntry($name, [System.IO.Compression.CompressionLevel]::Optimal).Open(), $encoding)
            try { $writer.Write($text) } finally { $writer.Dispose() }
        }
        & $addText '_rels/.rels' $rels
        $stream = $zip.CreateEntry("$id.nuspec", [System.IO.Compression.CompressionLevel]::Optimal).Open()
        try {
            $settings = [System.Xml.XmlWriterSettings]@{ Encoding = $utf8; Indent = $true }
            $writer = [System.Xml.XmlWriter]::Create($stream, $settings)
            try { $nuspec.Save($writer) } finally { $writer.Dispose() }
        }
        finally { $stream.Dispose() }
        foreach ($file in $files) {
            # With a byte order mark, so that Windows PowerShell 5.1 reads any non-ASCII release notes right.
            if ($file.Name -eq "$id.psd1") { & $addText $file.Name $manifestText ([System.Text.UTF8Encoding]::new($true)) }
            else { $null = [System.IO.Compression.ZipFileExtensions]::CreateEntryFromFile($zip, $file.File.FullName, $file.Name, [System.IO.Compression.CompressionLevel]::Optimal) }
        }
        & $addText '[Content_Types].xml' $contentTypes
        & $addText $coreProperties $core
    }
    finally {
        $zip.Dispose()
    }

    # Read it back as an installer would.
    $check = Join-Path ([System.IO.Path]::GetTempPath()) ('sorapspackage' + [guid]::NewGuid().ToString('N'))
    try {
        $reader = [System.IO.Compression.ZipFile]::OpenRead($nupkg)
        try { $entries = @($reader.Entries | ForEach-Object FullName) } finally { $reader.Dispose() }
        $expected = @('_rels/.rels', "$id.nuspec", '[Content_Types].xml', $coreProperties) + @($files.Name)
        $missing = @($expected | Where-Object { $entries -cnotcontains $_ })
        $extra = @($entries | Where-Object { $expected -cnotcontains $_ })
        if ($missing -or $extra) { throw "The package's entries are wrong. Missing: $($missing -join ', '). Unexpected: $($extra -join ', ')." }

        [System.IO.Compression.ZipFile]::ExtractToDirectory($nupkg, $check)
        $packed = ([xml] (Get-Content -Raw (Join-Path $check "$id.nuspec"))).package.metadata
        if ($packed.id -ne $id -or $packed.version -ne $metadata.version) { throw "The packaged nuspec says $($packed.id) $($packed.version)." }
        if ($packed.NamespaceURI -ne $ns) { throw "The packaged nuspec's namespace is $($packed.NamespaceURI)." }
        foreach ($name in 'authors', 'description', 'releaseNotes', 'tags') {
            if (-not $packed.$name) { throw "The packaged nuspec has no $name." }
        }

        $packedManifest = Join-Path $check "$id.psd1"
        $data = Import-PowerShellDataFile $packedManifest
        if ($data.PrivateData.PSData.ReleaseNotes -ne $notes) { throw 'The packaged manifest does not carry the release notes.' }
        $module = Test-ModuleManifest $packedManifest -ErrorAction Stop
        if ($module.Version -ne $version) { throw "The packaged manifest says version $($module.Version)." }
        if (Compare-Object @($cmdlets) @($data.CmdletsToExport)) { throw 'The packaged manifest exports other cmdlets.' }
        # Installers delete the packaging files and keep the rest: that must be the module as built.
        foreach ($file in $files | Where-Object Name -ne "$id.psd1") {
            $copy = Join-Path $check $file.Name
            if ((Get-FileHash $copy).Hash -ne (Get-FileHash $file.File.FullName).Hash) { throw "$($file.Name) differs in the package." }
        }
    }
    finally {
        if (Test-Path $check) { Remove-Item -Recurse -Force $check }
    }

    Write-Host "Packaged $id $($metadata.version) in $nupkg ($($entries.Count) entries, $($cmdlets.Count) cmdlets, $($tags.Count) tags)"
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
