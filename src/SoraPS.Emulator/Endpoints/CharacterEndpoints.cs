using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SoraPS.Emulator.Http;
using SoraPS.Emulator.Json;
using SoraPS.Emulator.State;

namespace SoraPS.Emulator.Endpoints;

/// <summary>Characters made from an uploaded video.</summary>
internal static class CharacterEndpoints
{
    private const int MaxNameLength = 80;

    public static void Map(IEndpointRouteBuilder api, EmulatorState state)
    {
        api.MapPost("/videos/characters", (HttpContext context) => Create(context, state)).Is(ApiOperation.CreateCharacter);
        api.MapGet("/videos/characters/{characterId}", (string characterId) =>
            Describe(state.Characters.Find(characterId)
                ?? throw new ApiErrorException(404, $"Character with id '{characterId}' not found.", null, "character_not_found")))
            .Is(ApiOperation.GetCharacter);
    }

    private static IResult Create(HttpContext context, EmulatorState state)
    {
        var fields = RequestFields.Read(context, multipartOnly: true);
        var name = fields.RequiredText("name", MaxNameLength);
        if (fields["video"] is not { Kind: FieldKind.File, File: { } video })
        {
            throw ApiErrorException.BadRequest("Missing required parameter: 'video' (a video file part).", "video", "missing_required_parameter");
        }

        if (video.ContentType is null || !video.ContentType.StartsWith("video/", System.StringComparison.OrdinalIgnoreCase))
        {
            throw ApiErrorException.BadRequest(
                $"Invalid file type for 'video': '{video.ContentType ?? "(none)"}'. Upload a video (for example video/mp4).", "video", "invalid_type");
        }

        return Describe(state.Characters.Create(name));
    }

    private static IResult Describe(Character character) =>
        ApiResults.Json(
            new VideoCharacterResource(character.Id, character.Name, character.CreatedAt.ToUnixTimeSeconds()),
            ApiJsonContext.Default.VideoCharacterResource);
}
