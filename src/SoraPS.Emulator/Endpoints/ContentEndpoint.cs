using System.IO;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using SoraPS.Emulator.Http;
using SoraPS.Emulator.Json;
using SoraPS.Emulator.Media;
using SoraPS.Emulator.Profiles;
using SoraPS.Emulator.State;

namespace SoraPS.Emulator.Endpoints;

/// <summary>
/// Downloads. The asset comes from here; how it is answered (ranges, labels, headers) is the
/// profile's. Range, If-Range, ETag, Accept-Ranges and 416 come from ASP.NET Core's range
/// processing, which needs only a seekable stream.
/// </summary>
internal static class ContentEndpoint
{
    private static readonly byte[] ContentErrorBody = JsonSerializer.SerializeToUtf8Bytes(
        new ErrorResponse(new ErrorBody("Failed to fetch video content", "server_error", null, null)),
        ApiJsonContext.Default.ErrorResponse);

    public static void Map(IEndpointRouteBuilder api, EmulatorState state) =>
        api.MapGet("/videos/{videoId}/content", (HttpContext context, string videoId) => Content(context, EmulatorState.IdFromRoute(videoId), state))
            .Is(ApiOperation.Content);

    private static IResult Content(HttpContext context, string videoId, EmulatorState state)
    {
        // Where the variant does not reach the provider, every request gets what it serves by default.
        var variant = state.Profile.ForwardsVariant && context.Request.Query.TryGetValue("variant", out var text) ? text.ToString() : "video";
        var contentType = variant switch
        {
            "video" => "video/mp4",
            "thumbnail" => "image/webp",
            "spritesheet" => "image/jpeg",
            _ => null,
        };
        if (contentType is null)
        {
            throw ApiErrorException.BadRequest(
                $"Invalid 'variant': '{variant}'. Expected 'video', 'thumbnail' or 'spritesheet'.", "variant", "invalid_value");
        }

        var job = state.FindVideo(videoId);
        var jobState = job.StateAt(state.Videos.Now);
        switch (jobState.Status)
        {
            case JobStatus.Completed:
                break;
            case JobStatus.Failed:
                throw ApiErrorException.BadRequest($"Video '{videoId}' failed; it has no content.", null, "video_failed");
            case JobStatus.Cancelled:
                throw ApiErrorException.BadRequest($"Video '{videoId}' was cancelled; it has no content.", null, "video_cancelled");
            default:
                throw ApiErrorException.BadRequest(
                    $"Video '{videoId}' is not ready yet ({state.Profile.StatusText(jobState.Status)}); download it once its status is completed.",
                    null,
                    "video_not_ready");
        }

        if (job.Triggers.ContentError)
        {
            // A provider's error passed on as the content, as LiteLLM once did (its PR #16672):
            // status 200, and the body a client would save as the video.
            return state.Profile.Content(videoId, new ContentAsset(new MemoryStream(ContentErrorBody, writable: false), "application/json", SupportsRanges: false));
        }

        Stream stream = variant switch
        {
            "video" => SampleMedia.OpenVideo(job.Triggers.VideoBytes),
            "thumbnail" => SampleMedia.OpenThumbnail(),
            _ => SampleMedia.OpenSpritesheet(),
        };

        // One tag per job and variant: the bytes never change, so If-Range resumes are always valid.
        return state.Profile.Content(
            videoId,
            new ContentAsset(stream, contentType, SupportsRanges: true, jobState.CompletedAt, new EntityTagHeaderValue($"\"{job.Id}-{variant}\"")));
    }
}
