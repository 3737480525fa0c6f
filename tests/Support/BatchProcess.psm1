# Runs Invoke-SoraBatch in a process of its own, as a runbook or a console would, so that tests can kill
# it outright, run several at once, and read what each wrote. Each result is one JSON line in a file;
# a terminating error is written to another file with its error id.

Import-Module (Join-Path $PSScriptRoot 'PowerShellProcess.psm1')

$script:Runner = @'
param(
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [string] $BaseUri,
    [Parameter(Mandatory)] [string] $Csv,
    [Parameter(Mandatory)] [string] $OutputPath,
    [Parameter(Mandatory)] [string] $ResultPath,
    [int] $ThrottleLimit = 4,
    [double] $PollIntervalSec = 0.2,
    [string] $Shard,
    [string] $JournalPath,
    [string] $Variant = 'Video'
)
$ErrorActionPreference = 'Stop'
try {
    Import-Module $Module
    Connect-Sora -BaseUri $BaseUri
    $options = @{ OutputPath = $OutputPath; ThrottleLimit = $ThrottleLimit; PollIntervalSec = $PollIntervalSec; TimeoutSec = 600; Variant = $Variant -split ',' }
    if ($Shard) { $options.Shard = $Shard }
    if ($JournalPath) { $options.JournalPath = $JournalPath }
    Import-Csv -LiteralPath $Csv | Invoke-SoraBatch @options | ForEach-Object {
        $line = [pscustomobject]@{
            Row = $_.Row; Key = $_.Key; Prompt = $_.Prompt; VideoId = $_.VideoId; Status = $_.Status; Succeeded = $_.Succeeded
            Adopted = $_.Adopted; Error = $_.Error; Files = @($_.Files | ForEach-Object FullName)
            StartedAt = if ($_.StartedAt) { $_.StartedAt.ToString('o') }; EndedAt = if ($_.EndedAt) { $_.EndedAt.ToString('o') }
        } | ConvertTo-Json -Compress -Depth 3
        Add-Content -LiteralPath $ResultPath -Value $line
    }
    exit 0
}
catch {
    Set-Content -LiteralPath ($ResultPath + '.error') -Value "$($_.FullyQualifiedErrorId)`n$($_.Exception.Message)"
    exit 3
}
'@

function Start-BatchProcess {
    <#
    .SYNOPSIS
        Starts a fresh PowerShell that pipes a CSV file into Invoke-SoraBatch; returns a handle to wait for or kill.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Module,
        [Parameter(Mandatory)] [string] $BaseUri,
        [Parameter(Mandatory)] [string] $Csv,
        [Parameter(Mandatory)] [string] $OutputPath,
        [int] $ThrottleLimit = 4,
        [double] $PollIntervalSec = 0.2,
        [string] $Shard,
        [string] $JournalPath,
        [string] $Variant = 'Video'
    )

    $work = Split-Path -Parent $Csv
    $runner = Join-Path $work 'Invoke-BatchRunner.ps1'
    if (-not (Test-Path $runner)) { Set-Content -LiteralPath $runner -Value $script:Runner }
    $resultPath = Join-Path $work ('results-' + [guid]::NewGuid().ToString('N') + '.jsonl')
    $arguments = @('-NoProfile', '-NonInteractive', '-File', $runner, '-Module', $Module, '-BaseUri', $BaseUri, '-Csv', $Csv,
        '-OutputPath', $OutputPath, '-ResultPath', $resultPath, '-ThrottleLimit', "$ThrottleLimit",
        '-PollIntervalSec', $PollIntervalSec.ToString([cultureinfo]::InvariantCulture), '-Variant', $Variant)
    if ($Shard) { $arguments += @('-Shard', $Shard) }
    if ($JournalPath) { $arguments += @('-JournalPath', $JournalPath) }

    $command = Get-PowerShellCommand
    $start = New-Object System.Diagnostics.ProcessStartInfo $command[0]
    # One quoted string: ProcessStartInfo.ArgumentList does not exist on .NET Framework (Windows PowerShell).
    $start.Arguments = (@($command | Select-Object -Skip 1) + $arguments | ForEach-Object { '"' + ($_ -replace '"', '\"') + '"' }) -join ' '
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($start)
    [pscustomobject]@{
        Process    = $process
        ResultPath = $resultPath
        Output     = $process.StandardOutput.ReadToEndAsync()
        Errors     = $process.StandardError.ReadToEndAsync()
    }
}

function Wait-BatchProcess {
    <#
    .SYNOPSIS
        Waits for a batch process to end; returns its exit code, results and terminating error, if any.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Batch, [int] $TimeoutSec = 180)

    if (-not $Batch.Process.WaitForExit($TimeoutSec * 1000)) {
        $Batch.Process.Kill()
        throw "The batch process $($Batch.Process.Id) did not end within $TimeoutSec s."
    }
    $Batch.Process.WaitForExit()
    Read-BatchProcess $Batch
}

function Stop-BatchProcess {
    <#
    .SYNOPSIS
        Kills a batch process outright (SIGKILL on Linux and macOS, TerminateProcess on Windows): no Ctrl+C, no finally blocks.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Batch)

    $Batch.Process.Kill()
    $null = $Batch.Process.WaitForExit(30000)
    Read-BatchProcess $Batch
}

function Read-BatchProcess {
    param([Parameter(Mandatory)] $Batch)

    $errorFile = $Batch.ResultPath + '.error'
    [pscustomobject]@{
        ExitCode = $Batch.Process.ExitCode
        Results  = @(if (Test-Path $Batch.ResultPath) { Get-Content -LiteralPath $Batch.ResultPath | ForEach-Object { $_ | ConvertFrom-Json } })
        Error    = if (Test-Path $errorFile) { Get-Content -Raw -LiteralPath $errorFile } else { $null }
        Output   = $Batch.Output.GetAwaiter().GetResult() + $Batch.Errors.GetAwaiter().GetResult()
    }
}

function Wait-Until {
    <#
    .SYNOPSIS
        Polls a condition until it holds; throws with -Because after -TimeoutSec.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [scriptblock] $Condition, [int] $TimeoutSec = 60, [string] $Because = 'the condition did not come true')

    $deadline = [datetime]::UtcNow.AddSeconds($TimeoutSec)
    while (-not (& $Condition)) {
        if ([datetime]::UtcNow -gt $deadline) { throw "Waited $TimeoutSec s: $Because." }
        Start-Sleep -Milliseconds 50
    }
}

Export-ModuleMember -Function Start-BatchProcess, Wait-BatchProcess, Stop-BatchProcess, Wait-Until
