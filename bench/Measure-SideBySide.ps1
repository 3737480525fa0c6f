#Requires -Version 7.4
<#
.SYNOPSIS
    SoraPS side by side with the other clients, against one emulator on loopback: one table of figures and ratios.

.DESCRIPTION
    Every client runs in its own long-lived process, is timed there by its own clock after start-up and
    import, and is driven run by run from here, so the sides of each ratio alternate (the order rotates
    every round) and meet the same machine load. The 1-minute load average is printed before and after
    each part; medians are given with (min..max).

      list      Get-SoraVideo -All over all jobs (no -Limit), its output discarded as Measure-Command
                discards it ($null = ...), and the same piped into Out-Null, against SoraPS.Core's own walk of
                the same pages (ListAllPagesAsync), openai-node's `for await (const v of client.videos.list({ limit: 100 }))`,
                PSOpenAI's Get-Video -All, and a bare HttpClient loop that reads the same pages
                without parsing. Memory: the peak resident growth of the SoraPS process per listing, at all
                the jobs and at three times as many.
      import    Import-Module SoraPS (and PSOpenAI) added to a bare `pwsh -NoProfile -NonInteractive -Command 1`:
                fresh processes, interleaved, medians; with two reference modules (bench/ImportFloor): the
                smallest binary module, and the same with SoraPS's manifest features, to tell the cost
                that is SoraPS's own from what any module costs this PowerShell.
      download  Save-SoraVideoContent of one large video against `curl -o` (curl's own time_total), openai-node's
                videos.downloadContent piped to a file, and PSOpenAI's Get-VideoContent -OutFile: throughput,
                CPU seconds per GB (SoraPS: its process; curl: the child's user + system time) and the peak
                resident growth of the SoraPS (and PSOpenAI) process.
      wait      The waiting benchmark of bench/SoraPS.Benchmarks (200 jobs, one loop, list-based polling).

    Peers are installed outside the repository, in a temporary folder deleted at the end: openai-node from
    npm (pinned version, through this machine's npm configuration), PSOpenAI copied from -PSOpenAIPath (a
    clone, or a bare git directory, of github.com/mkht/PSOpenAI). A peer that is missing or does not
    complete is reported as such. The module (./build.ps1), the benchmark project and bench/ImportFloor are
    built first, every time, so that nothing older is measured.

.EXAMPLE
    dotnet pwsh ./bench/Measure-SideBySide.ps1 -PSOpenAIPath ~/src/PSOpenAI

.EXAMPLE
    dotnet pwsh ./bench/Measure-SideBySide.ps1 -Only list, import -ListRuns 21
#>
[CmdletBinding()]
param(
    [ValidateSet('list', 'import', 'download', 'wait')]
    [string[]] $Only = @('list', 'import', 'download', 'wait'),

    [ValidateRange(500, 50000)]
    [int] $Jobs = 10000,

    # Timed listings per client, after 3 untimed ones.
    [ValidateRange(3, 50)]
    [int] $ListRuns = 15,

    # Fresh pwsh starts per side.
    [ValidateRange(15, 60)]
    [int] $ImportRuns = 15,

    # Timed downloads per client (PSOpenAI, which holds the whole video in memory, runs 2).
    [ValidateRange(1, 20)]
    [int] $DownloadRuns = 5,

    # Download size: 100MB, 1GiB, ... (MB = 10^6 bytes, MiB = 2^20).
    [string] $Size = '1GiB',

    # A clone, or a bare git directory, of PSOpenAI; copied to a temporary folder for the run.
    [string] $PSOpenAIPath,

    # The openai package (openai-node) installed from npm into a temporary folder. 6.30.1 is the newest
    # release that runs on Node.js 20; 7.x needs Node.js 22.
    [string] $OpenAINodeVersion = '6.30.1',

    # Wait (up to 3 minutes) for the 1-minute load average to fall below this before each part.
    [double] $MaxLoad = 1.5
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = Split-Path $PSScriptRoot -Parent
$manifest = Join-Path $root 'out/SoraPS/SoraPS.psd1'
$benchProject = Join-Path $PSScriptRoot 'SoraPS.Benchmarks'
$benchOut = Join-Path $benchProject 'bin/Release/net10.0'
$emulatorDll = Join-Path $benchOut 'SoraPS.Emulator.dll'
$benchDll = Join-Path $benchOut 'SoraPS.Benchmarks.dll'
$floorProject = Join-Path $PSScriptRoot 'ImportFloor'
$floorOut = Join-Path $floorProject 'bin/Release/net8.0'
$inv = [cultureinfo]::InvariantCulture

#region functions
function F([double] $Value, [string] $Format) { $Value.ToString($Format, $inv) }

function Get-Median([double[]] $Values) {
    $sorted = [double[]]($Values | Sort-Object)
    $middle = [int][math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$middle] } else { ($sorted[$middle - 1] + $sorted[$middle]) / 2 }
}

function Format-Spread([double[]] $Values, [string] $Format) {
    $sorted = [double[]]($Values | Sort-Object)
    '{0} ({1}..{2})' -f (F (Get-Median $Values) $Format), (F $sorted[0] $Format), (F $sorted[-1] $Format)
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

function Get-LoadAverage {
    if (Test-Path /proc/loadavg) { [double]::Parse((Get-Content /proc/loadavg).Split(' ')[0], $inv) } else { $null }
}

function Format-Load($Value) { if ($null -eq $Value) { 'n/a' } else { F $Value '0.00' } }

# Waits a bounded time for a quieter machine; measures anyway after that, and says so.
function Wait-Quiet([string] $Part) {
    $load = Get-LoadAverage
    for ($waited = 0; $null -ne $load -and $load -gt $MaxLoad -and $waited -lt 180; $waited += 10) {
        if ($waited -eq 0) { Write-Host "  (${Part}: load average $(Format-Load $load) > $MaxLoad; waiting up to 180 s for a quieter machine)" }
        Start-Sleep -Seconds 10
        $load = Get-LoadAverage
    }
    $load
}

$rows = [System.Collections.Generic.List[object]]::new()
function Add-Row([string] $Part, [string] $Figure, [string] $Value, [string] $Ratio = '', [string] $Target = '', $Met = $null) {
    $verdict = if ($null -eq $Met) { '' } elseif ($Met) { 'MET' } else { 'NOT MET' }
    $rows.Add([pscustomobject]@{ Part = $Part; Figure = $Figure; Value = $Value; Ratio = $Ratio; Target = $Target; Met = $verdict })
    $line = "  $Figure`: $Value"
    if ($Ratio) { $line += "; $Ratio" }
    if ($Target) { $line += " (target $Target) $verdict" }
    Write-Host $line
}

# Runs a program with a time limit; returns its standard output.
function Invoke-Bounded([string] $Program, [string[]] $Arguments, [int] $LimitSec = 600, [string] $WorkingDirectory) {
    $start = [System.Diagnostics.ProcessStartInfo]::new($Program)
    foreach ($argument in $Arguments) { $start.ArgumentList.Add($argument) }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    if ($WorkingDirectory) { $start.WorkingDirectory = $WorkingDirectory }
    $process = [System.Diagnostics.Process]::Start($start)
    try {
        $output = $process.StandardOutput.ReadToEndAsync()
        $errors = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($LimitSec * 1000)) {
            $process.Kill($true)
            throw "$Program ran longer than $LimitSec s and was stopped."
        }
        $process.WaitForExit()
        if ($process.ExitCode -ne 0) { throw "$Program $($Arguments -join ' ') exited with $($process.ExitCode): $($errors.Result) $($output.Result)" }
        $output.Result
    }
    finally { $process.Dispose() }
}

# A client in a process of its own, driven over standard input: it prints "@@" and a JSON object
# when ready and after each command.
function Start-Worker([string] $Name, [string] $Program, [string[]] $Arguments) {
    $start = [System.Diagnostics.ProcessStartInfo]::new($Program)
    foreach ($argument in $Arguments) { $start.ArgumentList.Add($argument) }
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($start)
    $worker = [pscustomobject]@{ Name = $Name; Process = $process; Errors = $process.StandardError.ReadToEndAsync(); Ready = $null }
    $worker.Ready = Read-Worker $worker 300
    $worker
}

function Read-Worker($Worker, [int] $LimitSec) {
    while ($true) {
        $line = $Worker.Process.StandardOutput.ReadLineAsync()
        if (-not $line.Wait($LimitSec * 1000) -or $null -eq $line.Result) {
            Stop-Worker $Worker
            $errors = if ($Worker.Errors.Wait(5000)) { $Worker.Errors.Result } else { '' }
            throw "$($Worker.Name) gave no answer within $LimitSec s. $errors"
        }
        if ($line.Result.StartsWith('@@', [StringComparison]::Ordinal)) {
            $answer = $line.Result.Substring(2) | ConvertFrom-Json
            if ($answer.PSObject.Properties['error']) { throw "$($Worker.Name): $($answer.error)" }
            return $answer
        }
    }
}

function Invoke-Worker($Worker, [string] $Command, [int] $LimitSec = 300) {
    $Worker.Process.StandardInput.WriteLine($Command)
    $Worker.Process.StandardInput.Flush()
    Read-Worker $Worker $LimitSec
}

function Stop-Worker($Worker) {
    if ($null -eq $Worker) { return }
    try {
        if (-not $Worker.Process.HasExited) {
            $Worker.Process.StandardInput.WriteLine('quit')
            $Worker.Process.StandardInput.Flush()
            if (-not $Worker.Process.WaitForExit(10000)) { $Worker.Process.Kill($true) }
        }
    }
    catch { if (-not $Worker.Process.HasExited) { $Worker.Process.Kill($true) } }
    $Worker.Process.Dispose()
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
    [pscustomobject]@{ Process = $process; BaseUri = $Matches[1]; Root = ([uri]$Matches[1]).GetLeftPart('Authority') }
}

function Stop-BenchEmulator($Emulator) {
    if ($null -eq $Emulator) { return }
    if (-not $Emulator.Process.HasExited) { $Emulator.Process.Kill($true); $null = $Emulator.Process.WaitForExit(10000) }
    $Emulator.Process.Dispose()
}
#endregion

#region the clients' workers
# One script for the PowerShell clients (SoraPS and PSOpenAI), so that both are driven alike.
$pwshWorker = @'
param([string] $Client, [string] $Module, [string] $Base)
$ErrorActionPreference = 'Stop'
function Say($Value) { [Console]::Out.WriteLine('@@' + ($Value | ConvertTo-Json -Compress)); [Console]::Out.Flush() }
function Get-Resident([string] $Field) {
    if (-not $IsLinux) { return $null }
    $line = [System.IO.File]::ReadAllLines('/proc/self/status') | Where-Object { $_.StartsWith("${Field}:") }
    [long](($line -split '\s+')[1]) * 1024
}
function Reset-Peak { if (-not $IsLinux) { return $false }; try { [System.IO.File]::WriteAllText('/proc/self/clear_refs', '5'); $true } catch { $false } }
# The CPU time of the children this process has waited for (user + system), in seconds.
function Get-ChildCpu {
    if (-not $IsLinux) { return $null }
    $fields = [System.IO.File]::ReadAllText('/proc/self/stat').Split(')')[-1].Trim().Split(' ')
    ([double]$fields[13] + [double]$fields[14]) / 100
}
try {
    Import-Module $Module
    if ($Client -eq 'SoraPS') { Connect-Sora -BaseUri $Base -MaxRetries 0 }
    else { $env:OPENAI_API_KEY = 'sk-benchmark'; $apiBase = $Base.TrimEnd('/') }
    $version = (Get-Module $Client).Version.ToString()
    Say @{ ready = $true; version = $version }
}
catch { Say @{ error = "$_" }; exit 1 }
while ($null -ne ($line = [Console]::In.ReadLine())) {
    $words = $line.Trim().Split(' ')
    if ($words[0] -eq 'quit') { break }
    try {
        [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
        $baseline = Get-Resident VmRSS
        $kernelPeak = Reset-Peak
        $self = [System.Diagnostics.Process]::GetCurrentProcess()
        $cpuBefore = $self.TotalProcessorTime.TotalSeconds
        $childBefore = Get-ChildCpu
        $count = $null
        $liveGrowth = $null
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        switch ($words[0]) {
            'list' {
                # The command alone, its output discarded (as Measure-Command discards it).
                if ($Client -eq 'SoraPS') { $null = Get-SoraVideo -All } else { $null = Get-Video -All -ApiBase $apiBase }
            }
            'list-piped' {
                # The same into one more cmdlet, which PowerShell calls once for every job.
                if ($Client -eq 'SoraPS') { Get-SoraVideo -All | Out-Null } else { Get-Video -All -ApiBase $apiBase | Out-Null }
            }
            'memory' {
                # The live managed heap, after a full collection every 2,000 jobs written.
                [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
                $start = [GC]::GetTotalMemory($true)
                $script:max = $start
                $script:n = 0
                Get-SoraVideo -All | ForEach-Object { if (((++$script:n) % 2000) -eq 0) { $live = [GC]::GetTotalMemory($true); if ($live -gt $script:max) { $script:max = $live } } }
                $count = $script:n
                $liveGrowth = $script:max - $start
            }
            'count' {
                $count = if ($Client -eq 'SoraPS') { @(Get-SoraVideo -All).Count } else { @(Get-Video -All -ApiBase $apiBase).Count }
            }
            'save' {
                if ($Client -eq 'SoraPS') { Save-SoraVideoContent -Id $words[1] -Path $words[2] -Force }
                else { Get-VideoContent -VideoId $words[1] -OutFile $words[2] -ApiBase $apiBase }
                $count = (Get-Item -LiteralPath $words[2]).Length
            }
            'curl' {
                $seconds = & curl -sS --fail --max-time 300 -o $words[2] -w '%{time_total}' $words[1]
                if ($LASTEXITCODE) { throw "curl failed: $LASTEXITCODE" }
                $count = (Get-Item -LiteralPath $words[2]).Length
            }
        }
        $clock.Stop()
        $self.Refresh()
        $answer = @{ ms = $clock.Elapsed.TotalMilliseconds; count = $count; cpu = $self.TotalProcessorTime.TotalSeconds - $cpuBefore }
        if ($words[0] -eq 'curl') {
            $answer.ms = [double]::Parse($seconds, [cultureinfo]::InvariantCulture) * 1000
            $answer.cpu = if ($null -ne $childBefore) { (Get-ChildCpu) - $childBefore } else { $null }
        }
        elseif ($kernelPeak) { $answer.growth = (Get-Resident VmHWM) - $baseline }
        if ($words[0] -eq 'memory') { $answer.live = $liveGrowth }
        if ($words[0] -in 'save', 'curl') { Remove-Item -LiteralPath $words[2] -Force }
        Say $answer
    }
    catch { Say @{ error = "$_" } }
}
'@

$nodeWorker = @'
// openai-node, driven like the other clients: "list", "count", "save ID FILE", "quit".
const path = require('path');
const fs = require('fs');
const readline = require('readline');
const { Readable } = require('stream');
const { pipeline } = require('stream/promises');
const folder = process.argv[2];
const { OpenAI } = require(path.join(folder, 'node_modules', 'openai'));
const client = new OpenAI({ apiKey: 'sk-benchmark', baseURL: process.argv[3].replace(/\/$/, ''), maxRetries: 0 });
const say = (value) => process.stdout.write('@@' + JSON.stringify(value) + '\n');
async function list() {
  let count = 0;
  for await (const v of client.videos.list({ limit: 100 })) { if (v.id) count++; }
  return count;
}
async function save(id, file) {
  const response = await client.videos.downloadContent(id, { variant: 'video' });
  await pipeline(Readable.fromWeb(response.body), fs.createWriteStream(file));
  const size = fs.statSync(file).size;
  fs.unlinkSync(file);
  return size;
}
say({ ready: true, version: require(path.join(folder, 'node_modules', 'openai', 'package.json')).version, node: process.version });
(async () => {
  for await (const line of readline.createInterface({ input: process.stdin })) {
    const [command, a, b] = line.trim().split(' ');
    if (command === 'quit') break;
    try {
      const cpu = process.cpuUsage();
      const start = performance.now();
      const count = command === 'save' ? await save(a, b) : await list();
      const ms = performance.now() - start;
      const used = process.cpuUsage(cpu);
      say({ ms, count, cpu: (used.user + used.system) / 1e6 });
    } catch (e) {
      say({ error: String((e && e.stack) || e) });
    }
  }
  process.exit(0);
})();
'@
#endregion

# The child processes run the PowerShell that runs this script (under `dotnet pwsh`, the dotnet host
# with pwsh.dll as its first argument).
Import-Module (Join-Path $root 'tests/Support/PowerShellProcess.psm1') -Force
$pwshCommand = Get-PowerShellCommand
$pwsh = $pwshCommand[0]
$pwshPrefix = @($pwshCommand | Select-Object -Skip 1)
$curl = (Get-Command curl -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1)?.Source
$node = (Get-Command node -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1)?.Source
$npm = (Get-Command npm -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1)?.Source
$work = Join-Path ([System.IO.Path]::GetTempPath()) ('soraps-sidebyside-' + [guid]::NewGuid().ToString('N'))
$null = New-Item -ItemType Directory $work
$workerScript = Join-Path $work 'worker.ps1'
Set-Content -LiteralPath $workerScript -Value $pwshWorker

$psVersion = (& $pwsh @pwshPrefix -NoProfile -NonInteractive -c '$PSVersionTable.PSVersion.ToString()')
$cpuModel = if (Test-Path /proc/cpuinfo) { ((Get-Content /proc/cpuinfo | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -split ':\s*', 2)[1] } else { '' }
Write-Host ("SoraPS side by side, {0:yyyy-MM-dd HH:mm} UTC, {1} cores {2}, PowerShell {3}, .NET {4}, load average {5}" -f [datetime]::UtcNow, [Environment]::ProcessorCount, $cpuModel, $psVersion, [Environment]::Version, (Format-Load (Get-LoadAverage)))
Write-Host 'Each figure: median (min..max) over alternating runs in one script, against one emulator on loopback; MB and GB are 10^6 and 10^9 bytes.'
# PowerShell's own assemblies decide much of an import's time: precompiled (ReadyToRun, as in the
# installers' builds) or compiled by the JIT on first use (as in the .NET tool package).
$sma = [System.Management.Automation.PSObject].Assembly.Location
$reader = [System.Reflection.PortableExecutable.PEReader]::new([System.IO.File]::OpenRead($sma))
try { $readyToRun = $reader.PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size -gt 0 } finally { $reader.Dispose() }
Write-Host "PowerShell at $PSHOME; System.Management.Automation.dll is $(if ($readyToRun) { 'precompiled (ReadyToRun)' } else { 'not precompiled: its code is compiled by the JIT on first use' })."


try {
    # Built every time (the .NET builds are incremental): an older build would measure older code.
    & $pwsh @pwshPrefix -NoProfile -NonInteractive -File (Join-Path $root 'build.ps1') | Out-Null
    if ($LASTEXITCODE) { throw "./build.ps1 failed: $LASTEXITCODE" }
    & dotnet build $floorProject -c Release --nologo | Out-Null
    if ($LASTEXITCODE) { throw "dotnet build bench/ImportFloor failed: $LASTEXITCODE" }
    & dotnet build $benchProject -c Release --nologo | Out-Null
    if ($LASTEXITCODE) { throw "dotnet build bench/SoraPS.Benchmarks failed: $LASTEXITCODE" }

    # openai-node, from npm into the temporary folder (never into the repository).
    $nodeFolder = $null
    if ($node -and $npm) {
        $nodeFolder = Join-Path $work 'openai-node'
        $null = New-Item -ItemType Directory $nodeFolder
        Set-Content -LiteralPath (Join-Path $nodeFolder 'package.json') -Value '{ "name": "soraps-bench-peer", "private": true }'
        try {
            $null = Invoke-Bounded $npm @('install', '--no-audit', '--no-fund', '--loglevel=error', "openai@$OpenAINodeVersion") 300 $nodeFolder
            Set-Content -LiteralPath (Join-Path $nodeFolder 'worker.js') -Value $nodeWorker
        }
        catch { Write-Host "openai-node: npm install openai@$OpenAINodeVersion failed: $_"; $nodeFolder = $null }
    }
    else { Write-Host 'openai-node: node or npm is not on PATH; not measured.' }

    # PSOpenAI, copied from the given clone or git directory into the temporary folder.
    $psOpenAI = $null
    if ($PSOpenAIPath) {
        $target = Join-Path $work 'PSOpenAI'
        $null = New-Item -ItemType Directory $target
        $source = (Resolve-Path -LiteralPath $PSOpenAIPath).Path
        if ((Test-Path (Join-Path $source 'HEAD')) -and (Test-Path (Join-Path $source 'objects'))) {
            # The module's own files only: guides, docs and tests are not loaded (and large samples may be absent).
            $entries = @(& git --git-dir $source ls-tree --name-only HEAD 2>$null | Where-Object { $_ -notin 'Guides', 'Docs', 'Tests' })
            & git --git-dir $source archive --format=tar HEAD -- @entries 2>$null | & tar -x -C $target
            if ($LASTEXITCODE) { throw "git archive of $source failed." }
        }
        else { Copy-Item -Path (Join-Path $source '*') -Destination $target -Recurse }
        $psOpenAI = Join-Path $target 'PSOpenAI.psd1'
        if (-not (Test-Path $psOpenAI)) { Write-Host "PSOpenAI: no PSOpenAI.psd1 in $PSOpenAIPath; not measured."; $psOpenAI = $null }
    }
    else { Write-Host 'PSOpenAI: not measured (give -PSOpenAIPath with a clone of github.com/mkht/PSOpenAI).' }

    if ('list' -in $Only) {
        $load = Wait-Quiet 'list'
        $pages = [math]::Ceiling($Jobs / 100)
        Write-Host "list $Jobs jobs ($pages pages of 100), load average $(Format-Load $load)"
        $emulator = Start-BenchEmulator $Jobs
        $workers = [ordered]@{}
        try {
            $workers['SoraPS'] = Start-Worker 'SoraPS' $pwsh (@($pwshPrefix) + @('-NoProfile', '-NonInteractive', '-File', $workerScript, 'SoraPS', $manifest, $emulator.BaseUri))
            $workers['SoraPS.Core'] = Start-Worker 'SoraPS.Core' 'dotnet' @($benchDll, 'worker', 'list-core', $emulator.BaseUri)
            $workers['bare loop'] = Start-Worker 'bare loop' 'dotnet' @($benchDll, 'worker', 'list-bare', $emulator.BaseUri)
            if ($nodeFolder) {
                try { $workers['openai-node'] = Start-Worker 'openai-node' $node @((Join-Path $nodeFolder 'worker.js'), $nodeFolder, $emulator.BaseUri) }
                catch { Write-Host "  openai-node did not start: $_" }
            }
            if ($psOpenAI) {
                try { $workers['PSOpenAI'] = Start-Worker 'PSOpenAI' $pwsh (@($pwshPrefix) + @('-NoProfile', '-NonInteractive', '-File', $workerScript, 'PSOpenAI', $psOpenAI, $emulator.BaseUri)) }
                catch { Write-Host "  PSOpenAI did not start: $_" }
            }

            # Every client must see every job once.
            foreach ($name in @($workers.Keys)) {
                if ($name -eq 'bare loop') { continue }
                try {
                    $seen = (Invoke-Worker $workers[$name] 'count').count
                    if ($seen -ne $Jobs) { throw "listed $seen jobs instead of $Jobs" }
                }
                catch { Write-Host "  $name does not complete the listing: $_"; Stop-Worker $workers[$name]; $workers.Remove($name) }
            }

            # The same SoraPS process also times its listing piped into Out-Null, in the same rotation.
            $workers['SoraPS | Out-Null'] = $workers['SoraPS']
            $commandOf = @{ 'SoraPS | Out-Null' = 'list-piped' }
            $times = @{}
            $growth = [System.Collections.Generic.List[double]]::new()
            foreach ($name in $workers.Keys) { $times[$name] = [System.Collections.Generic.List[double]]::new() }
            $names = @($workers.Keys)
            $loadBefore = Get-LoadAverage
            for ($round = -3; $round -lt $ListRuns; $round++) {
                $shift = (($round % $names.Count) + $names.Count) % $names.Count
                foreach ($name in @($names[$shift..($names.Count - 1)]) + @(if ($shift) { $names[0..($shift - 1)] })) {
                    $answer = Invoke-Worker $workers[$name] $(if ($commandOf.ContainsKey($name)) { $commandOf[$name] } else { 'list' })
                    if ($round -ge 0) {
                        $times[$name].Add($answer.ms)
                        if ($name -eq 'SoraPS' -and $answer.PSObject.Properties['growth']) { $growth.Add($answer.growth / 1e6) }
                    }
                }
            }
            $loadAfter = Get-LoadAverage
            $smallLive = (Invoke-Worker $workers['SoraPS'] 'memory').live / 1e3
            $median = @{}
            foreach ($name in $names) { $median[$name] = Get-Median $times[$name] }
            $labels = [ordered]@{
                'SoraPS'      = '$null = Get-SoraVideo -All (output discarded, as Measure-Command does)'
                'SoraPS | Out-Null' = 'Get-SoraVideo -All | Out-Null (PowerShell calls Out-Null once a job)'
                'SoraPS.Core' = 'SoraPS.Core ListAllPagesAsync'
                'openai-node' = "openai-node $($workers.Contains('openai-node') ? $workers['openai-node'].Ready.version : '') for await videos.list({ limit: 100 })"
                'PSOpenAI'    = "PSOpenAI $($workers.Contains('PSOpenAI') ? $workers['PSOpenAI'].Ready.version : '') `$null = Get-Video -All"
                'bare loop'   = 'bare HttpClient loop, same pages, no parsing'
            }
            Write-Host "  $ListRuns runs each after 3 untimed, order rotated every round; load average $(Format-Load $loadBefore) -> $(Format-Load $loadAfter)"
            foreach ($name in $labels.Keys) {
                if (-not $workers.Contains($name)) { Add-Row 'list' $labels[$name] 'not measured'; continue }
                $ratio = ''
                if ($name -eq 'SoraPS | Out-Null') {
                    $paired = [double[]]@(for ($i = 0; $i -lt $times[$name].Count; $i++) { $times[$name][$i] / $times['SoraPS.Core'][$i] })
                    $ratio = 'this / SoraPS.Core ' + (F ($median[$name] / $median['SoraPS.Core']) '0.00') + '; per round ' + (Format-Spread $paired '0.00')
                }
                elseif ($name -ne 'SoraPS') {
                    # Also the ratio within each round, which a change of load between rounds does not move.
                    $paired = [double[]]@(for ($i = 0; $i -lt $times[$name].Count; $i++) { $times['SoraPS'][$i] / $times[$name][$i] })
                    $ratio = 'SoraPS / this ' + (F ($median['SoraPS'] / $median[$name]) '0.00') + '; per round ' + (Format-Spread $paired '0.00')
                }
                $target = switch ($name) { 'openai-node' { '<= 0.80' } 'SoraPS.Core' { '<= 1.30' } default { '' } }
                $met = switch ($name) { 'openai-node' { $median['SoraPS'] / $median[$name] -le 0.8 } 'SoraPS.Core' { $median['SoraPS'] / $median[$name] -le 1.3 } default { $null } }
                Add-Row 'list' $labels[$name] "$(Format-Spread $times[$name] '0') ms" $ratio $target $met
            }
            # Memory: the same listing over three times the jobs must not need more. (Below some thousands
            # of jobs the growth is smaller, because the garbage collector has not yet used its allocation
            # budget; above it, the growth is that budget, whatever the count.)
            $seed = @{ count = 2 * $Jobs } | ConvertTo-Json
            $null = Invoke-RestMethod -Method Post -Uri "$($emulator.Root)/_emulator/seed" -Body $seed -ContentType 'application/json'
            $largeGrowth = [System.Collections.Generic.List[double]]::new()
            for ($i = 0; $i -lt 5; $i++) {
                $answer = Invoke-Worker $workers['SoraPS'] 'list'
                if ($answer.PSObject.Properties['growth']) { $largeGrowth.Add($answer.growth / 1e6) }
            }
            $largeLive = (Invoke-Worker $workers['SoraPS'] 'memory').live / 1e3
            if ($growth.Count -and $largeGrowth.Count) {
                Add-Row 'list' 'SoraPS process peak resident growth per listing' "$Jobs jobs +$(Format-Spread $growth '0.0') MB, $(3 * $Jobs) jobs +$(Format-Spread $largeGrowth '0.0') MB"
            }
            $flat = $largeLive - $smallLive -lt 1000
            Add-Row 'list' 'SoraPS live heap growth during a listing (full collection every 2,000 jobs)' "$Jobs jobs +$(F $smallLive '0') kB, $(3 * $Jobs) jobs +$(F $largeLive '0') kB" '' 'flat in the job count' $flat
        }
        finally {
            foreach ($name in @($workers.Keys)) { if ($name -ne 'SoraPS | Out-Null') { Stop-Worker $workers[$name] } }
            Stop-BenchEmulator $emulator
        }
    }

    if ('import' -in $Only) {
        $load = Wait-Quiet 'import'
        Write-Host "import, load average $(Format-Load $load)"
        $commands = [ordered]@{
            'bare'       = '1'
            'SoraPS'     = "Import-Module '$($manifest.Replace("'", "''"))'"
            # References: the smallest binary module, with a two-key manifest, and with SoraPS's manifest features.
            'floor bare' = "Import-Module '$((Join-Path $floorOut 'ImportFloorBare.psd1').Replace("'", "''"))'"
            'floor'      = "Import-Module '$((Join-Path $floorOut 'ImportFloor.psd1').Replace("'", "''"))'"
        }
        if ($psOpenAI) { $commands['PSOpenAI'] = "Import-Module '$($psOpenAI.Replace("'", "''"))'" }
        $names = @($commands.Keys)
        $times = @{}
        foreach ($name in $names) {
            $times[$name] = [System.Collections.Generic.List[double]]::new()
            # One untimed start of each: the first start warms the disk cache.
            $null = Invoke-Bounded $pwsh (@($pwshPrefix) + @('-NoProfile', '-NonInteractive', '-Command', $commands[$name])) 120
        }
        $loadBefore = Get-LoadAverage
        for ($i = 0; $i -lt $ImportRuns; $i++) {
            $shift = $i % $names.Count
            foreach ($name in @($names[$shift..($names.Count - 1)]) + @(if ($shift) { $names[0..($shift - 1)] })) {
                $clock = [System.Diagnostics.Stopwatch]::StartNew()
                $null = Invoke-Bounded $pwsh (@($pwshPrefix) + @('-NoProfile', '-NonInteractive', '-Command', $commands[$name])) 120
                $times[$name].Add($clock.Elapsed.TotalMilliseconds)
            }
        }
        $loadAfter = Get-LoadAverage
        Write-Host "  $ImportRuns fresh starts each, interleaved; load average $(Format-Load $loadBefore) -> $(Format-Load $loadAfter)"
        $bare = Get-Median $times['bare']
        Add-Row 'import' 'bare pwsh -NoProfile -NonInteractive -Command 1' "$(Format-Spread $times['bare'] '0') ms"
        $added = (Get-Median $times['SoraPS']) - $bare
        Add-Row 'import' 'Import-Module SoraPS' "$(Format-Spread $times['SoraPS'] '0') ms, adds $(F $added '0') ms" "ratio to bare $(F ((Get-Median $times['SoraPS']) / $bare) '0.00')" '<= +80 ms' ($added -le 80)
        $floorBare = (Get-Median $times['floor bare']) - $bare
        $floor = (Get-Median $times['floor']) - $bare
        Add-Row 'import' 'reference: a one-cmdlet binary module, two-key manifest' "$(Format-Spread $times['floor bare'] '0') ms, adds $(F $floorBare '0') ms"
        Add-Row 'import' 'reference: the same with an expression for RootModule, an export list and a one-view format file' "$(Format-Spread $times['floor'] '0') ms, adds $(F $floor '0') ms" "SoraPS adds $(F ($added - $floor) '0') ms more"
        if ($psOpenAI) {
            $addedPeer = (Get-Median $times['PSOpenAI']) - $bare
            Add-Row 'import' 'Import-Module PSOpenAI' "$(Format-Spread $times['PSOpenAI'] '0') ms, adds $(F $addedPeer '0') ms" "SoraPS adds $(F ($added / $addedPeer) '0.00') of what PSOpenAI adds"
        }
        else { Add-Row 'import' 'Import-Module PSOpenAI' 'not measured' }
    }

    if ('download' -in $Only) {
        $load = Wait-Quiet 'download'
        $bytes = ConvertFrom-Size $Size
        $name = if ($bytes % 1GB -eq 0) { "$($bytes / 1GB) GiB" } elseif ($bytes % 1MB -eq 0) { "$($bytes / 1MB) MiB" } else { "$(F ($bytes / 1e6) '0.##') MB" }
        Write-Host "download $name, load average $(Format-Load $load)"
        $emulator = Start-BenchEmulator 0
        $workers = [ordered]@{}
        try {
            $body = @{ prompt = "Benchmark download #bytes=$bytes"; model = 'sora-2' } | ConvertTo-Json
            $job = Invoke-RestMethod -Method Post -Uri "$($emulator.BaseUri)videos" -Body $body -ContentType 'application/json'
            $job = Invoke-RestMethod -Uri "$($emulator.BaseUri)videos/$($job.id)"
            if ($job.status -ne 'completed') { throw "The download job is $($job.status)." }
            $url = "$($emulator.BaseUri)videos/$($job.id)/content?variant=video"
            $file = Join-Path $work 'video.mp4'
            $workers['SoraPS'] = Start-Worker 'SoraPS' $pwsh (@($pwshPrefix) + @('-NoProfile', '-NonInteractive', '-File', $workerScript, 'SoraPS', $manifest, $emulator.BaseUri))
            $commands = [ordered]@{ 'SoraPS' = "save $($job.id) $file" }
            if ($curl) { $commands['curl'] = "curl $url $file" } else { Write-Host '  curl is not on PATH: no ratio.' }
            if ($nodeFolder) {
                try { $workers['openai-node'] = Start-Worker 'openai-node' $node @((Join-Path $nodeFolder 'worker.js'), $nodeFolder, $emulator.BaseUri); $commands['openai-node'] = "save $($job.id) $file" }
                catch { Write-Host "  openai-node did not start: $_" }
            }
            $results = @{}
            foreach ($side in $commands.Keys) { $results[$side] = [System.Collections.Generic.List[object]]::new() }
            $names = @($commands.Keys)
            $loadBefore = Get-LoadAverage
            for ($round = -1; $round -lt $DownloadRuns; $round++) {
                $shift = (($round % $names.Count) + $names.Count) % $names.Count
                foreach ($side in @($names[$shift..($names.Count - 1)]) + @(if ($shift) { $names[0..($shift - 1)] })) {
                    $worker = $workers[$side -eq 'curl' ? 'SoraPS' : $side]
                    $answer = Invoke-Worker $worker $commands[$side] 600
                    if ($answer.count -ne $bytes) { throw "$side wrote $($answer.count) bytes instead of $bytes." }
                    if ($round -ge 0) { $results[$side].Add($answer) }
                }
            }
            $loadAfter = Get-LoadAverage
            Write-Host "  $DownloadRuns runs each after 1 untimed, order rotated every round; load average $(Format-Load $loadBefore) -> $(Format-Load $loadAfter)"
            $rate = @{}; $cpu = @{}
            foreach ($side in $names) {
                $rate[$side] = [double[]]@($results[$side] | ForEach-Object { $bytes / ($_.ms / 1000) / 1e9 })
                $cpu[$side] = [double[]]@($results[$side] | Where-Object { $null -ne $_.cpu } | ForEach-Object { $_.cpu / ($bytes / 1e9) })
            }
            foreach ($side in $names) {
                $each = @($results[$side] | ForEach-Object { '{0} GB/s {1} s/GB' -f (F ($bytes / ($_.ms / 1000) / 1e9) '0.00'), $(if ($null -ne $_.cpu) { F ($_.cpu / ($bytes / 1e9)) '0.00' } else { '?' }) })
                Write-Host "  each run, $side`: $($each -join '; ')"
            }
            $labels = [ordered]@{ 'SoraPS' = 'Save-SoraVideoContent'; 'curl' = 'curl -o (its own time_total)'; 'openai-node' = "openai-node $($workers.Contains('openai-node') ? $workers['openai-node'].Ready.version : '') videos.downloadContent piped to a file" }
            foreach ($side in $labels.Keys) {
                if (-not $results.ContainsKey($side)) { Add-Row 'download' $labels[$side] 'not measured'; continue }
                $ratio = if ($side -ne 'SoraPS') { 'SoraPS / this ' + (F ((Get-Median $rate['SoraPS']) / (Get-Median $rate[$side])) '0.00') } else { '' }
                $target = if ($side -eq 'curl') { '>= 1.10' } else { '' }
                $met = if ($side -eq 'curl') { (Get-Median $rate['SoraPS']) / (Get-Median $rate[$side]) -ge 1.1 } else { $null }
                Add-Row 'download' "$($labels[$side]), throughput" "$(Format-Spread $rate[$side] '0.00') GB/s" $ratio $target $met
            }
            foreach ($side in $labels.Keys) {
                if (-not $results.ContainsKey($side) -or $cpu[$side].Count -eq 0) { continue }
                $ratio = if ($side -ne 'SoraPS' -and $cpu['SoraPS'].Count) { 'SoraPS / this ' + (F ((Get-Median $cpu['SoraPS']) / (Get-Median $cpu[$side])) '0.00') } else { '' }
                $target = if ($side -eq 'curl') { '<= 1.00' } else { '' }
                $met = if ($side -eq 'curl' -and $cpu['SoraPS'].Count) { (Get-Median $cpu['SoraPS']) -le (Get-Median $cpu[$side]) } else { $null }
                Add-Row 'download' "$($labels[$side]), CPU seconds per GB" (Format-Spread $cpu[$side] '0.00') $ratio $target $met
            }
            $growth = [double[]]@($results['SoraPS'] | Where-Object { $_.PSObject.Properties['growth'] } | ForEach-Object { $_.growth / 1e6 })
            if ($growth.Count) {
                Add-Row 'download' 'Save-SoraVideoContent, peak resident growth of its process' "+$(Format-Spread $growth '0.0') MB" '' '< 16 MB' (($growth | Measure-Object -Maximum).Maximum -lt 16)
            }

            if ($psOpenAI) {
                # PSOpenAI reads the whole answer into memory before writing it: two runs, after the others.
                try {
                    $workers['PSOpenAI'] = Start-Worker 'PSOpenAI' $pwsh (@($pwshPrefix) + @('-NoProfile', '-NonInteractive', '-File', $workerScript, 'PSOpenAI', $psOpenAI, $emulator.BaseUri))
                    $peer = @(for ($i = 0; $i -lt 2; $i++) { Invoke-Worker $workers['PSOpenAI'] "save $($job.id) $file" 900 })
                    if (@($peer | Where-Object count -NE $bytes).Count) { throw "wrote $($peer[0].count) bytes instead of $bytes" }
                    $peerRate = [double[]]@($peer | ForEach-Object { $bytes / ($_.ms / 1000) / 1e9 })
                    $peerGrowth = [double[]]@($peer | Where-Object { $_.PSObject.Properties['growth'] } | ForEach-Object { $_.growth / 1e6 })
                    Add-Row 'download' "PSOpenAI $($workers['PSOpenAI'].Ready.version) Get-VideoContent -OutFile, throughput (2 runs)" "$(Format-Spread $peerRate '0.00') GB/s" "SoraPS / this $(F ((Get-Median $rate['SoraPS']) / (Get-Median $peerRate)) '0.00')"
                    Add-Row 'download' 'PSOpenAI Get-VideoContent -OutFile, CPU seconds per GB' (Format-Spread ([double[]]@($peer | ForEach-Object { $_.cpu / ($bytes / 1e9) })) '0.00')
                    if ($peerGrowth.Count) { Add-Row 'download' 'PSOpenAI Get-VideoContent -OutFile, peak resident growth of its process' "+$(Format-Spread $peerGrowth '0') MB" }
                }
                catch { Add-Row 'download' 'PSOpenAI Get-VideoContent -OutFile' "does not complete: $_" }
            }
            else { Add-Row 'download' 'PSOpenAI Get-VideoContent -OutFile' 'not measured' }
        }
        finally {
            foreach ($worker in $workers.Values) { Stop-Worker $worker }
            Stop-BenchEmulator $emulator
        }
    }

    if ('wait' -in $Only) {
        $load = Wait-Quiet 'wait'
        Write-Host "wait, load average $(Format-Load $load)"
        $output = Invoke-Bounded 'dotnet' @($benchDll, 'wait', '--wait-jobs', '200', '--poll', '1') 600
        $lines = @($output -split "`r?`n" | Where-Object { $_ -match '^\s*(wait|report lag|threads)|^  (report|threads)' })
        foreach ($line in $lines) { Write-Host "  $($line.Trim())" }
        $requests = $lines | Where-Object { $_ -match '^wait ' } | Select-Object -First 1
        $lag = $lines | Where-Object { $_ -match 'report lag' } | Select-Object -First 1
        $threads = $lines | Where-Object { $_ -match 'threads:' } | Select-Object -First 1
        if ($requests -match ': (\d+) requests \((\d+) retrieves, (\d+) list pages\), allowance one per job per interval (\d+)') {
            Add-Row 'wait' 'Wait-SoraVideo engine (VideoWaiter), 200 jobs, 1 s interval: requests' "$($Matches[1]) ($($Matches[3]) list pages, $($Matches[2]) retrieves)" "allowance $($Matches[4])" '<= allowance' ([int]$Matches[1] -le [int]$Matches[4])
        }
        if ($lag -match 'median (\d+) ms, p95 (\d+) ms, max (\d+) ms') {
            # An upper bound: a job's completion is counted from when its create request was sent.
            Add-Row 'wait' 'report lag after completion (an upper bound)' "median $($Matches[1]) ms, p95 $($Matches[2]) ms, max $($Matches[3]) ms" '' 'about one interval (1000 ms)'
        }
        if ($threads -match 'threads: (\d+) before, at most (\d+) during') {
            Add-Row 'wait' 'threads' "$($Matches[1]) before, at most $($Matches[2]) during" '' 'one loop, no thread per job' (([int]$Matches[2] - [int]$Matches[1]) -lt 20)
        }
    }
}
finally {
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}

Write-Host ''
Write-Host "| part | figure | median (min..max) | ratio | target | met |"
Write-Host '|---|---|---|---|---|---|'
foreach ($row in $rows) {
    $cells = $row.Part, $row.Figure, $row.Value, $row.Ratio, $row.Target, $row.Met | ForEach-Object { "$_".Replace('|', '\|') }
    Write-Host ('| ' + ($cells -join ' | ') + ' |')
}
Write-Host "Load average at the end: $(Format-Load (Get-LoadAverage))"
