using System;

namespace SoraPS.Emulator.State;

/// <summary>A video job. Its status is not stored but computed from the clock, so nothing has to run in the background.</summary>
internal sealed class VideoJob
{
    /// <summary>Fraction of the render time spent queued before progress starts rising.</summary>
    private const double QueuedFraction = 0.1;

    public required string Id { get; init; }

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

    public DateTimeOffset FinishesAt => CreatedAt + RenderTime;

    public JobState StateAt(DateTimeOffset now)
    {
        var elapsed = now - CreatedAt;
        if (elapsed >= RenderTime)
        {
            return Triggers.ModerationBlocked
                ? new JobState(JobStatus.Failed, 99, null)
                : new JobState(JobStatus.Completed, 100, FinishesAt);
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
}

internal sealed record JobState(JobStatus Status, int Progress, DateTimeOffset? CompletedAt)
{
    public static JobState Queued { get; } = new(JobStatus.Queued, 0, null);

    public bool IsFinished => Status is JobStatus.Completed or JobStatus.Failed;

    public string StatusText => Status switch
    {
        JobStatus.Queued => "queued",
        JobStatus.InProgress => "in_progress",
        JobStatus.Completed => "completed",
        _ => "failed",
    };

    /// <summary>What gateways in front of other providers report: their own words for the running states.</summary>
    public string GatewayStatusText => Status switch
    {
        JobStatus.Queued => "pending",
        JobStatus.InProgress => "processing",
        _ => StatusText,
    };
}
