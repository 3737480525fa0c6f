using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SoraPS.Emulator.Http;
using SoraPS.Emulator.Json;
using SoraPS.Emulator.State;

namespace SoraPS.Emulator.Endpoints;

/// <summary>Create, list, retrieve and delete.</summary>
internal static class VideoEndpoints
{
    private const int DefaultLimit = 20;
    private const int MaxLimit = 100;

    public static void Map(IEndpointRouteBuilder api, EmulatorState state)
    {
        api.MapPost("/videos", (HttpContext context) => Create(context, state)).Is(ApiOperation.Create);
        api.MapGet("/videos", (HttpContext context) => List(context, state)).Is(ApiOperation.List);
        api.MapGet("/videos/{videoId}", (string videoId) => state.Video(state.FindVideo(EmulatorState.IdFromRoute(videoId))))
            .Is(ApiOperation.Retrieve);
        if (state.Profile.HasRoute(ApiOperation.Delete))
        {
            api.MapDelete("/videos/{videoId}", (string videoId) => Delete(EmulatorState.IdFromRoute(videoId), state)).Is(ApiOperation.Delete);
        }
    }

    private static IResult Create(HttpContext context, EmulatorState state)
    {
        var fields = RequestFields.Read(context);
        var prompt = CreateRules.Prompt(fields);
        var model = CreateRules.Model(fields, state.Profile.DefaultModel);
        var seconds = state.Profile.Seconds(fields, required: false);
        var size = state.Profile.Size(fields);
        CreateRules.InputReference(fields);
        return state.Created(state.Videos.Create(new JobSpec(model, prompt, size, seconds)));
    }

    private static IResult List(HttpContext context, EmulatorState state)
    {
        var query = context.Request.Query;
        var limit = DefaultLimit;
        if (query.TryGetValue("limit", out var limitText)
            && (!int.TryParse(limitText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit > MaxLimit))
        {
            throw ApiErrorException.BadRequest(
                $"Invalid 'limit': '{limitText}'. Expected an integer from 0 to {MaxLimit}.", "limit", "invalid_value");
        }

        var order = query.TryGetValue("order", out var orderText) ? orderText.ToString() : "desc";
        if (order is not ("asc" or "desc"))
        {
            throw ApiErrorException.BadRequest($"Invalid 'order': '{order}'. Expected 'asc' or 'desc'.", "order", "invalid_value");
        }

        string? after = query.TryGetValue("after", out var afterText) ? afterText.ToString() : null;
        var page = state.Videos.List(limit, order == "asc", after)
            ?? throw ApiErrorException.BadRequest($"Invalid 'after': no video with id '{after}' was ever created.", "after", "invalid_value");
        return state.VideoList(page);
    }

    private static IResult Delete(string videoId, EmulatorState state)
    {
        var job = state.FindVideo(videoId);
        if (!job.StateAt(state.Videos.Now).IsFinished)
        {
            throw ApiErrorException.BadRequest(
                $"Video '{videoId}' is still being generated; only a completed or failed video can be deleted.", null, "video_not_finished");
        }

        state.Videos.Remove(job);
        return ApiResults.Json(new DeletedVideoResource(videoId, "video.deleted", Deleted: true), ApiJsonContext.Default.DeletedVideoResource);
    }
}
