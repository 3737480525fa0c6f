using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.AspNetCore.Http;
using SoraPS.Emulator.Endpoints;
using SoraPS.Emulator.Http;
using SoraPS.Emulator.Json;
using SoraPS.Emulator.State;

namespace SoraPS.Emulator.Profiles;

/// <summary>
/// OpenAI's Videos API as the contract describes it. With <paramref name="gateway"/>, a generic
/// gateway in front of another provider: free-form sizes and seconds, and its own words for the
/// running states.
/// </summary>
internal sealed class OpenAiProfile(int pollAfterMs, bool gateway) : ServerProfile
{
    /// <summary>Assets stay downloadable for an hour after completion, as on the real service.</summary>
    public const long ExpiresAfterSeconds = 3600;

    private readonly Dictionary<string, string> _pollHeader = new()
    {
        [ApiResults.PollAfterHeader] = pollAfterMs.ToString(CultureInfo.InvariantCulture),
    };

    public override IReadOnlyList<string> ApiPrefixes { get; } = ["/v1", "/openai/v1"];

    public override string DefaultModel => "sora-2";

    public override string DefaultSeconds => "4";

    public override bool ForwardsVariant => true;

    public override string Seconds(RequestFields fields, bool required) =>
        CreateRules.Seconds(fields, required ? null : DefaultSeconds, anyPositive: gateway);

    public override string Size(RequestFields fields) => CreateRules.Size(fields, anyDimensions: gateway);

    public override JobIdentity Identify(JobSpec spec, long sequence) => JobIdentity.Direct("video_" + Guid.NewGuid().ToString("N"));

    public override JobOutcome Outcome(PromptTriggers triggers) => triggers.ModerationBlocked ? JobOutcome.Failed : JobOutcome.Completed;

    public override string StatusText(JobStatus status) => status switch
    {
        JobStatus.Queued => gateway ? "pending" : "queued",
        JobStatus.InProgress => gateway ? "processing" : "in_progress",
        JobStatus.Completed => "completed",
        JobStatus.Cancelled => "cancelled",
        _ => "failed",
    };

    public override IResult Video(VideoJob job, JobState state, bool justCreated) =>
        ApiResults.Json(Describe(job, state), ApiJsonContext.Default.VideoResource, headers: _pollHeader);

    public override IResult VideoList(JobPage page, DateTimeOffset now)
    {
        var data = page.Items.Select(job => Describe(job, job.StateAt(now))).ToArray();
        return ApiResults.Json(
            new VideoListResource<VideoResource>("list", data, data.FirstOrDefault()?.Id, data.LastOrDefault()?.Id, page.HasMore),
            ApiJsonContext.Default.VideoListResourceVideoResource,
            headers: _pollHeader);
    }

    public override IResult Content(string requestedId, ContentAsset asset) =>
        Results.Stream(asset.Body, asset.MediaType, lastModified: asset.LastModified, entityTag: asset.ETag, enableRangeProcessing: asset.SupportsRanges);

    public override IResult Error(ApiOperation? operation, ApiErrorException error, IReadOnlyDictionary<string, string>? headers = null) =>
        ApiResults.Error(error, headers);

    public override IResult UnknownRoute(HttpRequest request, IReadOnlyCollection<string> allowedMethods) =>
        ApiResults.Error(
            StatusCodes.Status404NotFound,
            $"Invalid URL ({request.Method} {request.Path}).",
            "invalid_request_error",
            null,
            "unknown_url");

    private VideoResource Describe(VideoJob job, JobState state)
    {
        var completedAt = state.CompletedAt?.ToUnixTimeSeconds();
        return new VideoResource(
            job.Id,
            "video",
            job.Model,
            StatusText(state.Status),
            state.Progress,
            job.CreatedAt.ToUnixTimeSeconds(),
            completedAt,
            completedAt + ExpiresAfterSeconds,
            job.Prompt,
            job.Size,
            job.Seconds,
            job.RemixedFromVideoId,
            state.Status == JobStatus.Failed ? VideoError.ModerationBlocked : null);
    }
}
