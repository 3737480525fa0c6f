#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# The module as it is laid out and loaded: both builds, nothing shipped that the host owns, help
# that Get-Help shows, and an import next to assemblies the session already holds.

BeforeAll {
    $script:root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:moduleDir = [System.IO.Path]::GetFullPath((Join-Path $root 'out/SoraPS'))
    $script:manifest = Join-Path $moduleDir 'SoraPS.psd1'
    Import-Module $manifest -Force -ErrorAction Stop
    Import-Module (Join-Path $root 'tests/Support/PowerShellProcess.psm1') -Force
}

Describe 'Layout' {
    It 'has a build for each edition, and only the net472 one carries System.Text.Json' {
        $net472 = (Get-ChildItem (Join-Path $moduleDir 'bin/net472') -Filter '*.dll').Name
        $net8 = (Get-ChildItem (Join-Path $moduleDir 'bin/net8.0') -Filter '*.dll').Name

        $net472 | Should -Contain 'SoraPS.dll'
        $net472 | Should -Contain 'System.Text.Json.dll'
        ($net8 | Sort-Object) | Should -Be @('SoraPS.Core.dll', 'SoraPS.dll')
        Get-ChildItem $moduleDir -Recurse -Filter 'System.Management.Automation.dll' | Should -BeNullOrEmpty
    }

    It 'has a valid manifest for both editions' {
        $info = Test-ModuleManifest $manifest
        $info.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $info.PowerShellVersion | Should -Be ([version]'5.1')
        ($info.ExportedCmdlets.Keys | Sort-Object) | Should -Be ((Get-Command -Module SoraPS -CommandType Cmdlet).Name | Sort-Object)
    }
}

Describe 'Help' {
    It 'shows a synopsis and at least two examples for <_>' -ForEach @(
        'Connect-Sora', 'Disconnect-Sora', 'Get-SoraContext', 'New-SoraVideo', 'Get-SoraVideo', 'Wait-SoraVideo',
        'Save-SoraVideoContent', 'Invoke-SoraRemix', 'Remove-SoraVideo', 'Invoke-SoraEdit', 'Invoke-SoraExtension',
        'New-SoraCharacter', 'Get-SoraCharacter') {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "$_ *"   # the generated stub, not a written synopsis
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
    }

    It 'has the about topic' {
        (Get-Help about_SoraPS | Out-String) | Should -Match 'SoraPS'
    }

    It 'ships the about topic compiled from its markdown as it reads now' {
        Import-Module (Join-Path $root 'tests/Support/AboutHelp.psm1') -Force
        $expected = ConvertTo-AboutHelpText (Join-Path $root 'docs/en-US/about_SoraPS.md')
        $shipped = [System.IO.File]::ReadAllText((Join-Path $root 'src/SoraPS/en-US/about_SoraPS.help.txt')).TrimStart([char]0xFEFF)

        $shipped | Should -BeExactly $expected -Because 'dotnet pwsh ./build.ps1 -Task Docs compiles docs/en-US/about_SoraPS.md'
    }
}

Describe 'Loading next to other assemblies' {
    BeforeAll {
        Import-Module (Join-Path $root 'src/SoraPS.Emulator/EmulatorProcess.psm1') -Force
        $script:emulator = Start-Emulator -RenderSeconds 1
    }

    AfterAll { Stop-Emulator $emulator }

    It 'imports and parses answers in a fresh session that already loaded System.Text.Json' {
        # PowerShell 7 carries System.Text.Json and must keep using its own; Windows PowerShell has none,
        # and the module's copy (with its own dependencies) must load there.
        $script = @"
if (`$PSVersionTable.PSEdition -eq 'Core') { `$null = [System.Text.Json.JsonDocument]::Parse('{}') }
Import-Module '$manifest' -ErrorAction Stop
Connect-Sora -BaseUri '$($emulator.BaseUri)'
`$video = New-SoraVideo 'Loaded next to others'
`$json = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'System.Text.Json' }
'{0}|{1}|{2}' -f `$video.Status, @(`$json).Count, `$json[0].Location.StartsWith('$moduleDir')
"@
        $result = Invoke-PowerShell -NoProfile -NonInteractive -Command $script

        $LASTEXITCODE | Should -Be 0
        $fromModule = $PSVersionTable.PSEdition -ne 'Core'
        $result | Should -Be "queued|1|$fromModule"
    }
}
