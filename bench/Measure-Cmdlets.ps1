#Requires -Version 7.4
<#
.SYNOPSIS
    Cmdlet-level performance figures of SoraPS, each as a ratio against a reference run in this script.

.DESCRIPTION
    Against the emulator on loopback (started here as a separate process):
      import    Import-Module SoraPS added to a bare pwsh start: median of fresh
                `pwsh -NoProfile -c 'Import-Module out/SoraPS/SoraPS.psd1'` against `pwsh -NoProfile -c '1'`.
      download  Save-SoraVideoContent of one large video against `curl -o` from the same server,
                alternately in one fresh pwsh, with that pwsh's peak resident memory growth.
      list      Get-SoraVideo -All -Limit 100 | Out-Null over all jobs against a bare HttpClient loop
                that GETs the same pages and reads them without parsing, alternately in one fresh pwsh.
    The module is built with ./build.ps1 when out/SoraPS is missing (or with -Build). The emulator comes
    from the benchmark project's build (bench/SoraPS.Benchmarks), built here when missing.
    Every loop is bounded: fixed counts, and each child process and transfer has a time limit.

.EXAMPLE
    dotnet pwsh ./bench/Measure-Cmdlets.ps1

.EXAMPLE
    dotnet pwsh ./bench/Measure-Cmdlets.ps1 -Only import -ImportRuns 20
#>
[CmdletBinding()]
param(
    [ValidateSet('import', 'download', 'list')]
    [string[]] $Only = @('import', 'download', 'list'),

    # Fresh pwsh starts per side for the import figure.
    [ValidateRange(3, 50)]
    [int] $ImportRuns = 15,

    # Timed runs per side for the download and list figures.
    [ValidateRange(1, 20)]
    [int] $Runs = 5,

    # Download size: 100MB, 1GiB, ... (MB = 10^6 bytes, MiB = 2^20).
    [string] $Size = '1GiB',

    [ValidateRange(100, 50000)]
    [int] $Jobs = 10000,

    # Rebuild out/SoraPS even when it exists.
    [switch] $Build
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = Split-Path $PSScriptRoot -Parent
$manifest = Join-Path $root 'out/SoraPS/SoraPS.psd1'
$benchProject = Join-Path $PSScriptRoot 'SoraPS.Benchmarks'
$emulatorDll = Join-Path $benchProject 'bin/Release/net10.0/SoraPS.Emulator.dll'
$childLimitSec = 600

function Invoke-WithRetry([scriptblock] $Action, [string] $What) {
    # Another build of the same projects may hold a file for a moment: try again once.
    for ($attempt = 1; ; $attempt++) {
        try { & $Action; return }
        catch {
            if ($attempt -ge 3) { throw "$What failed: $_" }
            Write-Host "$What failed ($_); retrying in 10 s."
            Start-Sleep -Seconds 10
        }
    }
}

function ConvertFrom-Size([string] $Text) {
    $units = [ordered]@{ GiB = 1GB; MiB = 1MB; KiB = 1KB; GB = 1000000000; MB = 1000000; KB = 1000; B = 1 }
    foreach ($unit in $units.Keys) {
        if ($Text.EndsWith($unit, [StringComparison]::OrdinalIgnoreCase)) {
            return [long]$Text.Substring(0, $Text.Length - $unit.Length) * $units[$unit]
        }
    }
    [long]$Text
}

function Get-Median([double[]] $Values) {
    $sorted = [double[]]($Values | Sort-Object)
    $middle = [int][math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$middle] } else { ($sorted[$middle - 1] + $sorted[$middle]) / 2 }
}

function Format-Spread([double[]] $Values, [string] $Format) {
    $sorted = [double[]]($Values | Sort-Object)
    $inv = [cultureinfo]::InvariantCulture
    '{0} ({1}..{2})' -f (Get-Median $Values).ToString($Format, $inv), $sorted[0].ToString($Format, $inv), $sorted[-1].ToString($Format, $inv)
}

function F([double] $Value, [string] $Format) { $Value.ToString($Format, [cultureinfo]::InvariantCulture) }

function Verdict([bool] $Met) { if ($Met) { 'MET' } else { 'NOT MET' } }

# Runs a program with a time limit; returns its standard output.
function Invoke-Bounded([string] $Program, [string[]] $Arguments, [int] $LimitSec = $childLimitSec) {
    $start = [System.Diagnostics.ProcessStartInfo]::new($Program)
    foreach ($argument in $Arguments) { $start.ArgumentList.Add($argument) }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($start)
    try {
        $output = $process.StandardOutput.ReadToEndAsync()
        $errors = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($LimitSec * 1000)) {
            $process.Kill($true)
            throw "$Program ran longer than $LimitSec s and was stopped."
        }
        $process.WaitForExit()
        if ($process.ExitCode -ne 0) { throw "$Program exited with $($process.ExitCode): $($errors.Result) $($output.Result)" }
        $output.Result
    }
    finally { $process.Dispose() }
}

# The child processes run the PowerShell that runs this script (under `dotnet pwsh`, the dotnet host
# with pwsh.dll as its first argument).
Import-Module (Join-Path $root 'tests/Support/PowerShellProcess.psm1') -Force
$pwshCommand = Get-PowerShellCommand
$pwsh = $pwshCommand[0]
$pwshPrefix = @($pwshCommand | Select-Object -Skip 1)
$curl = (Get-Command curl -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1)?.Source

Write-Host ("SoraPS cmdlet benchmarks, {0:yyyy-MM-dd HH:mm} UTC, {1} cores, PowerShell {2}" -f [datetime]::UtcNow, [Environment]::ProcessorCount, (& $pwsh @pwshPrefix -NoProfile -NonInteractive -c '$PSVersionTable.PSVersion.ToString()'))
Write-Host 'Each figure is a median over alternating runs against a reference taken in this same run; MB and GB are 10^6 and 10^9 bytes.'

if ($Build -or -not (Test-Path $manifest)) {
    Invoke-WithRetry { & $pwsh @pwshPrefix -NoProfile -NonInteractive -File (Join-Path $root 'build.ps1'); if ($LASTEXITCODE) { throw "exit code $LASTEXITCODE" } } 'pwsh ./build.ps1'
}
if (-not (Test-Path $emulatorDll)) {
    Invoke-WithRetry { & dotnet build $benchProject -c Release --nologo | Out-Null; if ($LASTEXITCODE) { throw "exit code $LASTEXITCODE" } } 'dotnet build bench/SoraPS.Benchmarks'
}

function Start-BenchEmulator([int] $Seed) {
    $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($argument in @($emulatorDll, '--urls', 'http://127.0.0.1:0', '--render-seconds', '0', '--poll-after-ms', '0', '--seed', "$Seed")) {
        $start.ArgumentList.Add($argument)
    }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($start)
    $line = $process.StandardOutput.ReadLineAsync()
    if (-not $line.Wait(60000) -or $line.Result -notmatch '(http://127\.0\.0\.1:\d+/v1/)') {
        $process.Kill($true)
        throw "The emulator did not start: $($line.Result)"
    }
    $null = $process.StandardOutput.ReadToEndAsync()
    $null = $process.StandardError.ReadToEndAsync()
    [pscustomobject]@{ Process = $process; BaseUri = $Matches[1] }
}

function Stop-BenchEmulator($Emulator) {
    if (-not $Emulator.Process.HasExited) { $Emulator.Process.Kill($true); $null = $Emulator.Process.WaitForExit(10000) }
    $Emulator.Process.Dispose()
}

# Shared by the child scripts: this process's resident memory, and a reset of its kernel peak (Linux).
$memoryHelpers = @'
function Get-Resident([string] $Field) {
    if (-not $IsLinux) { return $null }
    $line = (Get-Content /proc/self/status | Where-Object { $_ -like "${Field}:*" })
    [long](($line -split '\s+')[1]) * 1024
}
function Reset-Peak {
    if (-not $IsLinux) { return $false }
    try { [System.IO.File]::WriteAllText('/proc/self/clear_refs', '5'); $true } catch { $false }
}
'@

$allMet = $true

if ('import' -in $Only) {
    $import = [System.Collections.Generic.List[double]]::new()
    $bare = [System.Collections.Generic.List[double]]::new()
    $importCommand = "Import-Module '$($manifest.Replace("'", "''"))'"
    # One untimed start of each: the first start of a process warms the disk cache for both.
    $null = Invoke-Bounded $pwsh (@($pwshPrefix) + @('-NoProfile', '-NonInteractive', '-Command', '1')) 120
    $null = Invoke-Bounded $pwsh (@($pwshPrefix) + @('-NoProfile', '-NonInteractive', '-Command', $importCommand)) 120
    for ($i = 0; $i -lt $ImportRuns; $i++) {
        foreach ($turn in 0, 1) {
            $withImport = (($i + $turn) % 2) -eq 0
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $null = Invoke-Bounded $pwsh (@($pwshPrefix) + @('-NoProfile', '-NonInteractive', '-Command', $(if ($withImport) { $importCommand } else { '1' }))) 120
            $clock.Stop()
            if ($withImport) { $import.Add($clock.Elapsed.TotalMilliseconds) } else { $bare.Add($clock.Elapsed.TotalMilliseconds) }
        }
    }
    $added = (Get-Median $import) - (Get-Median $bare)
    $met = $added -lt 150
    $allMet = $allMet -and $met
    Write-Host ("import: pwsh -NoProfile -c 'Import-Module SoraPS' {0} ms, bare pwsh {1} ms, adds {2} ms (target < 150 ms) {3}" -f (Format-Spread $import '0'), (Format-Spread $bare '0'), (F $added '0'), (Verdict $met))
    Write-Host ("  {0} fresh starts each, alternately, medians (min..max); ratio {1}" -f $ImportRuns, (F ((Get-Median $import) / (Get-Median $bare)) '0.00'))
}

if ('download' -in $Only) {
    $bytes = ConvertFrom-Size $Size
    $emulator = Start-BenchEmulator 0
    $folder = Join-Path ([System.IO.Path]::GetTempPath()) ('soraps-bench-' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory $folder
    try {
        $child = $memoryHelpers + @"

`$ErrorActionPreference = 'Stop'
Import-Module '$($manifest.Replace("'", "''"))'
Connect-Sora -BaseUri '$($emulator.BaseUri)' -MaxRetries 0
`$job = New-SoraVideo -Prompt 'Benchmark download #bytes=$bytes'
`$job = Get-SoraVideo -Id `$job.Id
`$file = Join-Path '$folder' 'video.mp4'
`$url = '$($emulator.BaseUri)videos/' + `$job.Id + '/content?variant=video'
`$curl = '$curl'
function Save-Once {
    `$clock = [System.Diagnostics.Stopwatch]::StartNew()
    `$job | Save-SoraVideoContent -Path `$file -Force
    `$clock.Stop()
    if ((Get-Item `$file).Length -ne $bytes) { throw 'Save-SoraVideoContent wrote the wrong length.' }
    Remove-Item `$file
    `$clock.Elapsed.TotalSeconds
}
function Curl-Once {
    `$seconds = & `$curl -sS --fail --max-time 120 -o `$file -w '%{time_total}' `$url
    if (`$LASTEXITCODE) { throw "curl failed: `$LASTEXITCODE" }
    if ((Get-Item `$file).Length -ne $bytes) { throw 'curl wrote the wrong length.' }
    Remove-Item `$file
    [double]::Parse(`$seconds, [cultureinfo]::InvariantCulture)
}
`$null = Save-Once
if (`$curl) { `$null = Curl-Once }
`$results = for (`$i = 0; `$i -lt $Runs; `$i++) {
    foreach (`$turn in 0, 1) {
        if (((`$i + `$turn) % 2) -eq 0) {
            [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
            `$baseline = Get-Resident VmRSS
            `$kernelPeak = Reset-Peak
            `$seconds = Save-Once
            `$growth = if (`$kernelPeak) { (Get-Resident VmHWM) - `$baseline } else { `$null }
            [pscustomobject]@{ Side = 'SoraPS'; Seconds = `$seconds; Growth = `$growth }
        }
        elseif (`$curl) {
            [pscustomobject]@{ Side = 'curl'; Seconds = (Curl-Once); Growth = `$null }
        }
    }
}
`$results | ConvertTo-Json -Compress
"@
        $results = (Invoke-Bounded $pwsh (@($pwshPrefix) + @('-NoProfile', '-NonInteractive', '-Command', $child))) | ConvertFrom-Json
        $soraps = [double[]]($results | Where-Object Side -EQ 'SoraPS' | ForEach-Object { $bytes / $_.Seconds / 1e9 })
        $growth = @($results | Where-Object { $_.Side -eq 'SoraPS' -and $null -ne $_.Growth } | ForEach-Object { $_.Growth / 1e6 })
        $memoryText = if ($growth.Count) {
            $memoryMet = ($growth | Measure-Object -Maximum).Maximum -lt 64
            "peak working set of the pwsh process +$(Format-Spread $growth '0.0') MB (target < 64 MB) $(Verdict $memoryMet)"
        }
        else { $memoryMet = $true; 'peak working set not measured (needs Linux /proc/self/clear_refs)' }
        $name = if ($bytes % 1GB -eq 0) { "$($bytes / 1GB) GiB" } elseif ($bytes % 1MB -eq 0) { "$($bytes / 1MB) MiB" } else { "$(F ($bytes / 1e6) '0.##') MB" }
        if ($curl) {
            $reference = [double[]]($results | Where-Object Side -EQ 'curl' | ForEach-Object { $bytes / $_.Seconds / 1e9 })
            $ratio = (Get-Median $soraps) / (Get-Median $reference)
            $met = $ratio -ge 0.9
            Write-Host ("download {0}: Save-SoraVideoContent {1} GB/s, curl {2} GB/s, ratio {3} (target >= 0.90) {4}; {5}" -f $name, (Format-Spread $soraps '0.00'), (Format-Spread $reference '0.00'), (F $ratio '0.00'), (Verdict $met), $memoryText)
        }
        else {
            $met = $true
            Write-Host ("download {0}: Save-SoraVideoContent {1} GB/s; curl is not on PATH: no ratio; {2}" -f $name, (Format-Spread $soraps '0.00'), $memoryText)
        }
        Write-Host "  $Runs runs each, alternately, in one fresh pwsh, medians (min..max)"
        $allMet = $allMet -and $met -and $memoryMet
    }
    finally {
        Stop-BenchEmulator $emulator
        Remove-Item -Recurse -Force $folder -ErrorAction SilentlyContinue
    }
}

if ('list' -in $Only) {
    $emulator = Start-BenchEmulator $Jobs
    try {
        $child = $memoryHelpers + @"

`$ErrorActionPreference = 'Stop'
Import-Module '$($manifest.Replace("'", "''"))'
Connect-Sora -BaseUri '$($emulator.BaseUri)' -MaxRetries 0
# The bare loop asks for the URLs Get-SoraVideo -All asks for: the cursor of each page is its last id.
`$ids = @(Get-SoraVideo -All -Limit 100 | ForEach-Object Id)
if (`$ids.Count -ne $Jobs) { throw "Listed `$(`$ids.Count) jobs instead of $Jobs." }
`$urls = [System.Collections.Generic.List[string]]::new()
`$urls.Add('$($emulator.BaseUri)videos?limit=100')
for (`$k = 99; `$k -lt `$ids.Count - 1; `$k += 100) { `$urls.Add('$($emulator.BaseUri)videos?limit=100&after=' + `$ids[`$k]) }
`$http = [System.Net.Http.HttpClient]::new()
`$buffer = [byte[]]::new(65536)
function Bare-Once {
    `$clock = [System.Diagnostics.Stopwatch]::StartNew()
    foreach (`$url in `$urls) {
        `$response = `$http.GetAsync(`$url, [System.Net.Http.HttpCompletionOption]::ResponseHeadersRead).GetAwaiter().GetResult()
        `$null = `$response.EnsureSuccessStatusCode()
        `$body = `$response.Content.ReadAsStream()
        while (`$body.Read(`$buffer, 0, `$buffer.Length) -gt 0) { }
        `$body.Dispose(); `$response.Dispose()
    }
    `$clock.Elapsed.TotalMilliseconds
}
function List-Once {
    `$clock = [System.Diagnostics.Stopwatch]::StartNew()
    Get-SoraVideo -All -Limit 100 | Out-Null
    `$clock.Elapsed.TotalMilliseconds
}
`$first = [pscustomobject]@{ Side = 'cold'; Ms = (List-Once); Growth = `$null }
for (`$i = 0; `$i -lt 3; `$i++) { `$null = Bare-Once; `$null = List-Once }
`$results = for (`$i = 0; `$i -lt $($Runs * 3); `$i++) {
    foreach (`$turn in 0, 1) {
        if (((`$i + `$turn) % 2) -eq 0) {
            [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
            `$baseline = Get-Resident VmRSS
            `$kernelPeak = Reset-Peak
            `$ms = List-Once
            `$growth = if (`$kernelPeak) { (Get-Resident VmHWM) - `$baseline } else { `$null }
            [pscustomobject]@{ Side = 'SoraPS'; Ms = `$ms; Growth = `$growth }
        }
        else {
            [pscustomobject]@{ Side = 'bare'; Ms = (Bare-Once); Growth = `$null }
        }
    }
}
@(`$first) + @(`$results) | ConvertTo-Json -Compress
"@
        $results = (Invoke-Bounded $pwsh (@($pwshPrefix) + @('-NoProfile', '-NonInteractive', '-Command', $child))) | ConvertFrom-Json
        $soraps = [double[]]($results | Where-Object Side -EQ 'SoraPS' | ForEach-Object Ms)
        $bare = [double[]]($results | Where-Object Side -EQ 'bare' | ForEach-Object Ms)
        $cold = ($results | Where-Object Side -EQ 'cold').Ms
        $growth = @($results | Where-Object { $_.Side -eq 'SoraPS' -and $null -ne $_.Growth } | ForEach-Object { $_.Growth / 1e6 })
        $ratio = (Get-Median $soraps) / (Get-Median $bare)
        $met = $ratio -le 1.2
        $allMet = $allMet -and $met
        $pages = [math]::Ceiling($Jobs / 100)
        Write-Host ("list {0} jobs ({1} pages): Get-SoraVideo -All -Limit 100 | Out-Null {2} ms, bare HttpClient loop {3} ms, ratio {4} (target <= 1.20) {5}" -f $Jobs, $pages, (Format-Spread $soraps '0'), (Format-Spread $bare '0'), (F $ratio '0.00'), (Verdict $met))
        $memoryText = if ($growth.Count) { "; peak working set of the pwsh process +$(Format-Spread $growth '0.0') MB" } else { '' }
        Write-Host ("  {0} runs each after 3 untimed, alternately, in one fresh pwsh, medians (min..max); first (cold) listing {1} ms{2}" -f ($Runs * 3), (F $cold '0'), $memoryText)
    }
    finally {
        Stop-BenchEmulator $emulator
    }
}

Write-Host $(if ($allMet) { 'All measured targets met.' } else { 'Some targets were not met (see NOT MET above).' })
