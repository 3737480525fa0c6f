using System;
using System.Collections.Generic;
using System.Linq;

namespace SoraPS;

/// <summary>The job statuses the API and its gateways use, and what they mean for a waiting client.</summary>
/// <remarks>
/// Statuses are open strings. The API documents queued, in_progress, completed and failed; gateways add
/// their own (pending, processing) and other final ones: a Runway job that was cancelled is
/// <c>cancelled</c>, assets can be <c>expired</c>. An unknown status is never taken as final: it may still
/// change, and every wait has its own time limit for servers that never report failure.
/// </remarks>
public static class VideoStatus
{
    public const string Queued = "queued";
    public const string InProgress = "in_progress";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
    public const string Expired = "expired";

    /// <summary>Final statuses with a video to download.</summary>
    public static IReadOnlyList<string> Successful { get; } = [Completed, "succeeded"];

    /// <summary>Final statuses without a video: the job will never complete.</summary>
    public static IReadOnlyList<string> Unsuccessful { get; } =
        [Failed, Cancelled, "canceled", Expired, "error", "errored", "rejected", "aborted", "timed_out", "deleted"];

    public static bool IsCompleted(string? status) => Successful.Contains(status?.Trim() ?? string.Empty, StringComparer.OrdinalIgnoreCase);

    /// <summary>True when the job ended without a video: failed, cancelled, expired and the like.</summary>
    public static bool IsFailed(string? status) => Unsuccessful.Contains(status?.Trim() ?? string.Empty, StringComparer.OrdinalIgnoreCase);

    /// <summary>Only known end states count as finished: anything else may still change.</summary>
    public static bool IsFinished(string? status) => IsCompleted(status) || IsFailed(status);
}
