using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SoraPS.Emulator.Http;
using SoraPS.Emulator.State;

namespace SoraPS.Emulator.Endpoints;

/// <summary>Jobs made from another video: remix, edit, extension.</summary>
internal static class DerivedVideoEndpoints
{
    public static void Map(IEndpointRouteBuilder api, EmulatorState state)
    {
        api.MapPost("/videos/{videoId}/remix", (HttpContext context, string videoId) => Remix(context, EmulatorState.IdFromRoute(videoId), state))
            .Is(ApiOperation.Remix);
        api.MapPost("/videos/edits", (HttpContext context) => Edit(context, state)).Is(ApiOperation.Edit);
        api.MapPost("/videos/extensions", (HttpContext context) => Extend(context, state)).Is(ApiOperation.Extend);
    }

    private static IResult Remix(HttpContext context, string videoId, EmulatorState state)
    {
        var source = CreateRules.RequireCompleted(state.FindVideo(videoId), state);
        var prompt = CreateRules.Prompt(RequestFields.Read(context));

        // The provider names the source by its own id, whatever id a gateway shows for it.
        return Start(state, new JobSpec(source.Model, prompt, source.Size, source.Seconds, RemixedFromVideoId: source.UpstreamId));
    }

    private static IResult Edit(HttpContext context, EmulatorState state)
    {
        var fields = RequestFields.Read(context);
        var prompt = CreateRules.Prompt(fields);
        var source = CreateRules.SourceVideo(fields, state);

        // An uploaded video is not analysed: its edit gets the create defaults.
        return Start(state, new JobSpec(
            source?.Model ?? state.Profile.DefaultModel,
            prompt,
            source?.Size ?? CreateRules.DefaultSize,
            source?.Seconds ?? state.Profile.DefaultSeconds));
    }

    private static IResult Extend(HttpContext context, EmulatorState state)
    {
        var fields = RequestFields.Read(context);
        var prompt = CreateRules.Prompt(fields);
        var extension = state.Profile.Seconds(fields, required: true);
        var source = CreateRules.SourceVideo(fields, state);

        // seconds is the stitched total; an uploaded source is not analysed and counts as 0 s.
        var total = int.Parse(extension, CultureInfo.InvariantCulture)
            + (source is null ? 0 : int.Parse(source.Seconds, CultureInfo.InvariantCulture));
        return Start(state, new JobSpec(
            source?.Model ?? state.Profile.DefaultModel,
            prompt,
            source?.Size ?? CreateRules.DefaultSize,
            total.ToString(CultureInfo.InvariantCulture)));
    }

    private static IResult Start(EmulatorState state, JobSpec spec) => state.Created(state.Videos.Create(spec));
}
