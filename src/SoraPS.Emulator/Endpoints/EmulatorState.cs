using System.Collections.Generic;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using SoraPS.Emulator.Http;
using SoraPS.Emulator.Json;
using SoraPS.Emulator.State;

namespace SoraPS.Emulator.Endpoints;

/// <summary>What the API handlers share: the stores and how video objects are answered.</summary>
internal sealed class EmulatorState(VideoStore videos, CharacterStore characters, int pollAfterMs, bool gateway = false)
{
    private readonly Dictionary<string, string> _pollHeader = new()
    {
        [ApiResults.PollAfterHeader] = pollAfterMs.ToString(CultureInfo.InvariantCulture),
    };

    public VideoStore Videos { get; } = videos;

    public CharacterStore Characters { get; } = characters;

    /// <summary>Assets stay downloadable for an hour after completion, as on the real service.</summary>
    public static long ExpiresAfterSeconds => 3600;

    /// <summary>Gateway mode: free-form sizes and seconds, and the provider's own names for running states.</summary>
    public bool Gateway { get; } = gateway;

    public VideoJob FindVideo(string id) => Videos.Find(id) ?? throw ApiErrorException.VideoNotFound(id);

    public VideoResource Describe(VideoJob job, JobState state)
    {
        var completedAt = state.CompletedAt?.ToUnixTimeSeconds();
        return new VideoResource(
            job.Id,
            "video",
            job.Model,
            Gateway ? state.GatewayStatusText : state.StatusText,
            state.Progress,
            job.CreatedAt.ToUnixTimeSeconds(),
            completedAt,
            completedAt + ExpiresAfterSeconds,
            job.Prompt,
            job.Size,
            job.Seconds,
            job.RemixedFromVideoId,
            state.Status == JobStatus.Failed
                ? new VideoError("moderation_blocked", "Your request was blocked by our moderation system.")
                : null);
    }

    /// <summary>A video object answer, as of now.</summary>
    public IResult Video(VideoJob job) => Video(job, job.StateAt(Videos.Now));

    /// <summary>A video object answer in a given state (a new job is always answered as queued).</summary>
    public IResult Video(VideoJob job, JobState state) =>
        ApiResults.Json(Describe(job, state), ApiJsonContext.Default.VideoResource, headers: _pollHeader);

    public IResult VideoList(VideoListResource list) =>
        ApiResults.Json(list, ApiJsonContext.Default.VideoListResource, headers: _pollHeader);
}
