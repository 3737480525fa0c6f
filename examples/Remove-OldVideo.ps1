<#
.SYNOPSIS
    Deletes finished video jobs older than a number of days from the server, as a nightly clean-up.

.DESCRIPTION
    Lists every job with Get-SoraVideo -All, then deletes, with Remove-SoraVideo, each job that is
    finished (completed or failed) and was created more than -OlderThanDays days ago. Jobs that are
    still queued or running are skipped, whatever their age: the server refuses to delete them, and
    a render that is still going on is not something to clean up. Files already saved are not
    touched; only the jobs and their assets on the server go.

    The whole list is read before the first deletion, so deleting never disturbs the paging.

    Deleting cannot be undone, so the script asks before each deletion. -Force deletes without
    asking, for scheduled runs. -WhatIf shows what would be deleted and deletes nothing; -Confirm
    asks even with -Force.

    One SoraPS.SoraVideoDeletion object (Id, Deleted) is written per job deleted. A job that cannot
    be deleted is reported as an error and the others are still deleted.

    The script does not connect: run Connect-Sora first (or set the environment variables that
    SoraPS reads), then run the script in the same session.

.PARAMETER OlderThanDays
    How old, in days since creation, a finished job must be to go. Fractions are allowed (0.5 is
    twelve hours); 0 deletes every finished job. The default is 7.

.PARAMETER Force
    Deletes without asking. -WhatIf and an explicit -Confirm still win.

.EXAMPLE
    ./Remove-OldVideo.ps1 -OlderThanDays 30 -WhatIf

    Shows which finished jobs older than 30 days would be deleted, and deletes nothing.

.EXAMPLE
    Connect-Sora -BaseUri https://gateway.example.com/v1 -ApiKey $key
    ./Remove-OldVideo.ps1 -OlderThanDays 7 -Force | Export-Csv ./deleted.csv -NoTypeInformation

    A nightly run: deletes finished jobs older than a week without asking, and keeps a record.

.INPUTS
    None.

.OUTPUTS
    SoraPS.SoraVideoDeletion
#>
[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
param(
    [ValidateRange(0, 36500)]
    [double] $OlderThanDays = 7,

    [switch] $Force
)

Set-StrictMode -Version 2.0

# -Force skips the prompts, unless -Confirm was asked for explicitly.
if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) {
    $ConfirmPreference = 'None'
}

$cutoff = [DateTimeOffset]::UtcNow.AddDays(-$OlderThanDays)
Write-Verbose "Deleting finished jobs created before $($cutoff.ToString('u'))"

# Read every page first: deleting while paging could move the cursor.
$jobs = @(Get-SoraVideo -All -ErrorAction Stop)
Write-Verbose "$($jobs.Count) jobs on the server"

foreach ($job in $jobs) {
    if (-not $job.IsFinished) {
        Write-Verbose "Skipping $($job.Id): it is $($job.Status)"
        continue
    }
    if ($null -eq $job.CreatedAt -or $job.CreatedAt -ge $cutoff) {
        continue
    }

    $target = "$($job.Id) ($($job.Status), created $($job.CreatedAt.ToString('u')))"
    if ($PSCmdlet.ShouldProcess($target, 'Delete video job')) {
        # Already confirmed here, so Remove-SoraVideo does not ask a second time.
        Remove-SoraVideo -Id $job.Id -Force -PassThru -Confirm:$false
    }
}
