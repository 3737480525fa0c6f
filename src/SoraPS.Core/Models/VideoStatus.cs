using System;

namespace SoraPS;

/// <summary>The job statuses the API documents, and what they mean for a waiting client.</summary>
public static class VideoStatus
{
    public const string Queued = "queued";
    public const string InProgress = "in_progress";
    public const string Completed = "completed";
    public const string Failed = "failed";

    public static bool IsCompleted(string? status) => string.Equals(status, Completed, StringComparison.OrdinalIgnoreCase);

    public static bool IsFailed(string? status) => string.Equals(status, Failed, StringComparison.OrdinalIgnoreCase);

    /// <summary>Only the two documented end states count as finished: anything else may still change.</summary>
    public static bool IsFinished(string? status) => IsCompleted(status) || IsFailed(status);
}
