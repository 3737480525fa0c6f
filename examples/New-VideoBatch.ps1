<#
.SYNOPSIS
    Makes a video for each row of a CSV file, with at most a set number of jobs running at a time.

.DESCRIPTION
    Reads prompts from a CSV file and starts one video job per row, but never has more than
    -ThrottleLimit jobs running on the server at once: it starts jobs up to the limit, then polls the
    running ones with Get-SoraVideo -Id, and starts the next row as soon as one of them finishes.
    Servers limit how many jobs an account may have in flight, so a large batch started all at once
    fails with rate-limit errors; this one does not.

    The CSV file needs a Prompt column. Model, Seconds and Size columns are optional, and an empty
    cell leaves the value to the server, as New-SoraVideo does.

    Each completed job's MP4 is saved with Save-SoraVideoContent to -OutputPath as <id>.mp4. One
    summary object is written per row, as soon as that row is done, with the properties Prompt,
    Id, Status, Path and Error. A row whose job fails (for example with moderation_blocked), cannot
    be started or cannot be downloaded is reported in its summary; the rest of the batch goes on.

    The script does not connect: run Connect-Sora first (or set the environment variables that
    SoraPS reads), then run the script in the same session.

.PARAMETER CsvPath
    The CSV file to read. It needs a Prompt column; Model, Seconds and Size columns are optional.

.PARAMETER OutputPath
    The folder for the MP4 files. It is created when missing. The default is the current location.

.PARAMETER ThrottleLimit
    The most jobs that run on the server at the same time, from 1 to 100. The default is 3.

.PARAMETER PollIntervalSec
    Seconds between two polls of the running jobs (fractions allowed). The default is 5.

.PARAMETER TimeoutSec
    The longest the whole batch may take, in seconds. When it runs out, running jobs are reported
    with their last status (they keep running on the server, and Wait-SoraVideo -Id can wait for
    them again) and rows not started yet are reported as not_started. The default is 3600.

.EXAMPLE
    Connect-Sora -BaseUri http://127.0.0.1:5080/v1
    ./New-VideoBatch.ps1 -CsvPath ./prompts.csv -OutputPath ./videos -ThrottleLimit 2 | Format-Table

    Makes a video for each row of prompts.csv, two at a time, against a local emulator.

.EXAMPLE
    $results = ./New-VideoBatch.ps1 -CsvPath ./prompts.csv -OutputPath ./videos
    $results | Where-Object Status -ne 'completed' | Export-Csv ./retry.csv -NoTypeInformation

    Keeps the rows that did not end with a saved video, to look at or run again.

.INPUTS
    None.

.OUTPUTS
    System.Management.Automation.PSCustomObject with Prompt, Id, Status, Path and Error.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string] $CsvPath,

    [string] $OutputPath = '.',

    [ValidateRange(1, 100)]
    [int] $ThrottleLimit = 3,

    [ValidateRange(0.05, 3600)]
    [double] $PollIntervalSec = 5,

    [ValidateRange(1, 2147483647)]
    [int] $TimeoutSec = 3600
)

Set-StrictMode -Version 2.0

# A CSV row's cell, or $null when the column is missing or the cell is empty.
function Get-Cell {
    param($Row, [string] $Name)
    $property = $Row.PSObject.Properties[$Name]
    if ($null -eq $property -or [string]::IsNullOrWhiteSpace([string] $property.Value)) { return $null }
    ([string] $property.Value).Trim()
}

function New-Summary {
    param([string] $Prompt, [string] $Id, [string] $Status, [string] $Path, [string] $Message)
    [pscustomobject]@{
        Prompt = $Prompt
        Id     = $Id
        Status = $Status
        Path   = $Path
        Error  = $Message
    }
}

$rows = @(Import-Csv -LiteralPath $CsvPath)
if ($rows.Count -eq 0) {
    Write-Warning "$CsvPath has no rows."
    return
}
if ($null -eq $rows[0].PSObject.Properties['Prompt']) {
    throw "$CsvPath has no Prompt column."
}
$null = New-Item -ItemType Directory -Force -Path $OutputPath
$OutputPath = (Resolve-Path -LiteralPath $OutputPath).ProviderPath

$pending = New-Object System.Collections.Queue
foreach ($row in $rows) { $pending.Enqueue($row) }
# The jobs that are running on the server, at most $ThrottleLimit of them.
$running = New-Object System.Collections.ArrayList
$deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
$done = 0

while ($pending.Count -gt 0 -or $running.Count -gt 0) {
    # Fill the free slots.
    while ($running.Count -lt $ThrottleLimit -and $pending.Count -gt 0) {
        $row = $pending.Dequeue()
        $prompt = Get-Cell $row 'Prompt'
        if (-not $prompt) {
            $done++
            New-Summary -Prompt $prompt -Status 'skipped' -Message 'The row has no prompt.'
            continue
        }

        $create = @{ Prompt = $prompt; ErrorAction = 'Stop' }
        foreach ($name in 'Model', 'Seconds', 'Size') {
            $value = Get-Cell $row $name
            if ($value) { $create[$name] = $value }
        }
        try {
            $job = New-SoraVideo @create
            Write-Verbose "Started $($job.Id) ($($running.Count + 1) of at most $ThrottleLimit running): $prompt"
            $null = $running.Add([pscustomobject]@{ Prompt = $prompt; Job = $job })
        }
        catch {
            $done++
            New-Summary -Prompt $prompt -Status 'not_started' -Message $_.Exception.Message
        }
    }

    if ($running.Count -eq 0) { continue }

    if ([DateTime]::UtcNow -ge $deadline) {
        foreach ($item in $running) {
            New-Summary -Prompt $item.Prompt -Id $item.Job.Id -Status $item.Job.Status `
                -Message "Not finished after $TimeoutSec seconds; the job keeps running on the server."
        }
        while ($pending.Count -gt 0) {
            New-Summary -Prompt (Get-Cell $pending.Dequeue() 'Prompt') -Status 'not_started' `
                -Message "The batch ran out of time ($TimeoutSec seconds) before this row started."
        }
        break
    }

    Start-Sleep -Milliseconds ([int] ($PollIntervalSec * 1000))

    # One request per running job. A job that cannot be polled this time is polled again next time;
    # one that the server no longer knows is given up.
    $pollErrors = $null
    $current = @(Get-SoraVideo -Id @($running | ForEach-Object { $_.Job.Id }) -ErrorAction SilentlyContinue -ErrorVariable pollErrors)
    foreach ($failure in @($pollErrors | Where-Object { $_ })) {
        $lost = $null
        foreach ($item in $running) { if ([string] $failure.TargetObject -eq $item.Job.Id) { $lost = $item } }
        $status = $failure.Exception.PSObject.Properties['StatusCode']
        if ($lost -and $status -and [string] $status.Value -eq 'NotFound') {
            $running.Remove($lost)
            $done++
            New-Summary -Prompt $lost.Prompt -Id $lost.Job.Id -Status 'not_found' -Message $failure.Exception.Message
        }
        else {
            Write-Warning "Could not poll: $($failure.Exception.Message)"
        }
    }

    foreach ($job in $current) {
        $item = $null
        foreach ($candidate in $running) { if ($candidate.Job.Id -eq $job.Id) { $item = $candidate } }
        if (-not $item) { continue }
        $item.Job = $job
        if (-not $job.IsFinished) { continue }

        # A slot is free: the next row starts at the top of the loop.
        $running.Remove($item)
        $done++
        Write-Verbose "Finished $($job.Id) as $($job.Status) ($done of $($rows.Count) rows done)"
        if ($job.IsCompleted) {
            try {
                $file = $job | Save-SoraVideoContent -Path $OutputPath -PassThru -ErrorAction Stop
                New-Summary -Prompt $item.Prompt -Id $job.Id -Status $job.Status -Path $file.FullName
            }
            catch {
                New-Summary -Prompt $item.Prompt -Id $job.Id -Status $job.Status -Message $_.Exception.Message
            }
        }
        else {
            New-Summary -Prompt $item.Prompt -Id $job.Id -Status $job.Status -Message ([string] $job.Error)
        }
    }
}
