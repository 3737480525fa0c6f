using System.IO;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using SoraPS.Emulator.Http;
using SoraPS.Emulator.Media;
using SoraPS.Emulator.State;

namespace SoraPS.Emulator.Endpoints;

/// <summary>
/// Downloads. Range, If-Range, ETag, Accept-Ranges and 416 come from ASP.NET Core's range
/// processing, which needs only a seekable stream.
/// </summary>
internal static class ContentEndpoint
{
    public static void Map(IEndpointRouteBuilder api, EmulatorState state) =>
        api.MapGet("/videos/{videoId}/content", (HttpContext context, string videoId) => Content(context, videoId, state));

    private static IResult Content(HttpContext context, string videoId, EmulatorState state)
    {
        var variant = context.Request.Query.TryGetValue("variant", out var text) ? text.ToString() : "video";
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
        if (jobState.Status != JobStatus.Completed)
        {
            throw jobState.Status == JobStatus.Failed
                ? ApiErrorException.BadRequest($"Video '{videoId}' failed; it has no content.", null, "video_failed")
                : ApiErrorException.BadRequest(
                    $"Video '{videoId}' is not ready yet ({jobState.StatusText}); download it once its status is completed.", null, "video_not_ready");
        }

        Stream stream = variant switch
        {
            "video" => SampleMedia.OpenVideo(job.Triggers.VideoBytes),
            "thumbnail" => SampleMedia.OpenThumbnail(),
            _ => SampleMedia.OpenSpritesheet(),
        };

        // One tag per job and variant: the bytes never change, so If-Range resumes are always valid.
        return Results.Stream(
            stream,
            contentType,
            lastModified: jobState.CompletedAt,
            entityTag: new EntityTagHeaderValue($"\"{job.Id}-{variant}\""),
            enableRangeProcessing: true);
    }
}
