<#
.SYNOPSIS
    Runs the Pester suites in tests/Pester against the built module (out/SoraPS), with Pester restored from NuGet.

.DESCRIPTION
    Restores tests/Tools (Pester, pinned there) through the machine's NuGet configuration, imports that
    Pester by path, and runs every *.Tests.ps1 under tests/Pester in this process. Run it in a fresh
    PowerShell: the suites import out/SoraPS, and an assembly loaded once cannot be replaced by a rebuild.
    Works in Windows PowerShell 5.1 and PowerShell 7. The last line of output is "Pester: N passed, N failed";
    the exit code is the number of failed tests (1 when the run itself broke).

.PARAMETER ExcludeTag
    Tags to leave out, for hosts that lack what those tests need (Package needs PSResourceGet and a Linux HOME layout).

.PARAMETER ResultPath
    Where to write the NUnit XML results.

.PARAMETER Path
    Test files or folders to run instead of tests/Pester.

.PARAMETER PesterModule
    Pester's manifest, already restored: skips the restore (for a run inside a network namespace, where NuGet cannot be reached).

.EXAMPLE
    dotnet pwsh -NoProfile -File tests/Invoke-PesterSuite.ps1
#>
[CmdletBinding()]
param(
    [string[]] $ExcludeTag = @(),
    [string] $ResultPath,
    [string[]] $Path,
    [string] $PesterModule
)

$ErrorActionPreference = 'Stop'
$root = Split-Path -Parent $PSScriptRoot
try {
    $pester = $PesterModule
    if (-not $pester) {
        $tools = Join-Path $PSScriptRoot 'Tools/Tools.csproj'
        & dotnet restore $tools --nologo --verbosity quiet
        if ($LASTEXITCODE -ne 0) { throw "dotnet restore $tools failed with exit code $LASTEXITCODE." }
        $pester = (& dotnet msbuild $tools -nologo -getProperty:PesterModule | Out-String).Trim()
    }
    if (-not (Test-Path $pester)) { throw "Pester was not restored: '$pester' does not exist." }
    Import-Module $pester -Force

    $configuration = New-PesterConfiguration
    # -File passes "a,b" as one string.
    $Path = @($Path -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ })
    $ExcludeTag = @($ExcludeTag -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ })
    $configuration.Run.Path = if ($Path) { $Path } else { Join-Path $PSScriptRoot 'Pester' }
    $configuration.Run.PassThru = $true
    $configuration.Output.Verbosity = 'Detailed'
    $configuration.Filter.ExcludeTag = $ExcludeTag
    $configuration.TestResult.Enabled = $true
    $configuration.TestResult.OutputFormat = 'NUnitXml'
    $configuration.TestResult.OutputPath = if ($ResultPath) { $ResultPath } else { Join-Path $root 'out/test-results/pester.xml' }
    $null = New-Item -ItemType Directory -Force (Split-Path -Parent $configuration.TestResult.OutputPath.Value)

    $result = Invoke-Pester -Configuration $configuration
    if ($null -eq $result) { throw 'Invoke-Pester returned no result.' }
    # A file that does not parse, or an AfterAll that throws, fails no test of its own: count it too.
    $failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    if ($result.SkippedCount -gt 0 -or $result.NotRunCount -gt 0) {
        Write-Host "Pester: $($result.SkippedCount) skipped and $($result.NotRunCount) not run."
    }
    Write-Host "Pester: $($result.PassedCount) passed, $failed failed"
    exit $failed
}
catch {
    Write-Host "Pester could not run: $_"
    Write-Host 'Pester: 0 passed, 1 failed'
    exit 1
}
