<#
.SYNOPSIS
    Makes a video, then remixes it step by step, each step from the video the previous step made.

.DESCRIPTION
    Starts a job from -Prompt and waits for it. Then, for each prompt in -RemixPrompt, it remixes the
    video of the previous step with Invoke-SoraRemix, and waits for the remix. Every step's MP4 is
    saved to -OutputPath as <id>.mp4, so the chain can be compared side by side.

    One object is written per step, as soon as its video is saved, with the properties Step (0 for
    the first video), Prompt, Id, RemixedFromVideoId, Status and Path. A step that fails (for
    example with moderation_blocked) ends the chain with an error, since there is no video to
    remix further; the steps before it are already written and saved.

    The script does not connect: run Connect-Sora first (or set the environment variables that
    SoraPS reads), then run the script in the same session.

.PARAMETER Prompt
    The prompt of the first video.

.PARAMETER RemixPrompt
    The remix prompts, one per step, in order. Each says what to change in the previous video.

.PARAMETER OutputPath
    The folder for the MP4 files. It is created when missing. The default is the current location.

.PARAMETER PollIntervalSec
    Seconds between two polls of a running job (fractions allowed). The default is 5.

.PARAMETER TimeoutSec
    The longest wait for each step, in seconds. The default is 3600.

.EXAMPLE
    Connect-Sora -BaseUri http://127.0.0.1:5080/v1
    ./Invoke-RemixChain.ps1 -Prompt 'A lighthouse at dawn' -RemixPrompt 'Make it a stormy night', 'Add a ship in the distance' -OutputPath ./chain

    Makes three videos: the lighthouse, the lighthouse in a storm, and the stormy lighthouse with a ship.

.INPUTS
    None.

.OUTPUTS
    System.Management.Automation.PSCustomObject with Step, Prompt, Id, RemixedFromVideoId, Status and Path.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string] $Prompt,

    [Parameter(Mandatory)]
    [string[]] $RemixPrompt,

    [string] $OutputPath = '.',

    [ValidateRange(0.05, 3600)]
    [double] $PollIntervalSec = 5,

    [ValidateRange(1, 2147483647)]
    [int] $TimeoutSec = 3600
)

Set-StrictMode -Version 2.0

$null = New-Item -ItemType Directory -Force -Path $OutputPath
$OutputPath = (Resolve-Path -LiteralPath $OutputPath).ProviderPath

$prompts = @($Prompt) + @($RemixPrompt)
$previous = $null
for ($step = 0; $step -lt $prompts.Count; $step++) {
    $stepPrompt = $prompts[$step]
    # Each command reports its own error (a failed job as SoraPS.JobFailed) as the caller's
    # -ErrorAction says; without a result there is nothing to remix, so the chain ends there.
    if ($step -eq 0) {
        $job = New-SoraVideo -Prompt $stepPrompt
    }
    else {
        $job = Invoke-SoraRemix -Id $previous.Id -Prompt $stepPrompt
    }
    if (-not $job) { return }
    Write-Verbose "Step $step started as $($job.Id): $stepPrompt"

    $video = $job | Wait-SoraVideo -PollIntervalSec $PollIntervalSec -TimeoutSec $TimeoutSec
    if (-not $video) { return }
    $file = $video | Save-SoraVideoContent -Path $OutputPath -PassThru
    if (-not $file) { return }

    [pscustomobject]@{
        Step               = $step
        Prompt             = $stepPrompt
        Id                 = $video.Id
        RemixedFromVideoId = $video.RemixedFromVideoId
        Status             = $video.Status
        Path               = $file.FullName
    }
    $previous = $video
}
