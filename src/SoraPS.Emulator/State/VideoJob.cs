using System;

namespace SoraPS.Emulator.State;

/// <summary>A video job. Its status is not stored but computed from the clock, so nothing has to run in the background.</summary>
internal sealed class VideoJob
{
    /// <summary>Fraction of the render time spent queued before progress starts rising.</summary>
    private const double QueuedFraction = 0.1;

    public required string Id { get; init; }

    /// <summary>The id the provider behind a gateway knows the job by (see <see cref="JobIdentity"/>).</summary>
    public required string UpstreamId { get; init; }

    /// <summary>Creation order: created_at has only second resolution, so listing sorts by this.</summary>
    public required long Sequence { get; init; }

    public required string Model { get; init; }

    public required string Prompt { get; init; }

    public required string Size { get; init; }

    public required string Seconds { get; init; }

    public string? RemixedFromVideoId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required TimeSpan RenderTime { get; init; }

    public PromptTriggers Triggers { get; init; } = PromptTriggers.None;

    public JobOutcome Outcome { get; init; } = JobOutcome.Completed;

    /// <summary>When the job completes, fails or is cancelled; null when it never finishes.</summary>
    public DateTimeOffset? FinishesAt => Outcome == JobOutcome.NeverFinishes ? null : CreatedAt + RenderTime;

    public JobState StateAt(DateTimeOffset now)
    {
        var elapsed = now - CreatedAt;
        if (elapsed >= RenderTime)
        {
            return Outcome switch
            {
                JobOutcome.Completed => new JobState(JobStatus.Completed, 100, CreatedAt + RenderTime),
                JobOutcome.Failed => new JobState(JobStatus.Failed, 99, null),
                JobOutcome.Cancelled => new JobState(JobStatus.Cancelled, 99, null),
                _ => new JobState(JobStatus.InProgress, 99, null),
            };
        }

        var fraction = elapsed / RenderTime;
        if (fraction < QueuedFraction)
        {
            return JobState.Queued;
        }

        var progress = 1 + (int)((fraction - QueuedFraction) / (1 - QueuedFraction) * 98);
        return new JobState(JobStatus.InProgress, Math.Clamp(progress, 1, 99), null);
    }
}

internal enum JobStatus
{
    Queued,
    InProgress,
    Completed,
    Failed,
    Cancelled,
}

/// <summary>A job's state at one moment; each profile has its own words for <see cref="Status"/>.</summary>
internal sealed record JobState(JobStatus Status, int Progress, DateTimeOffset? CompletedAt)
{
    public static JobState Queued { get; } = new(JobStatus.Queued, 0, null);

    public bool IsFinished => Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled;
}
