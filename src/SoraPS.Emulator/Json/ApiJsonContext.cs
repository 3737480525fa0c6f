using System.Text.Json.Serialization;

namespace SoraPS.Emulator.Json;

/// <summary>Serializer for the API's bodies: snake_case, nulls written (the contract requires them).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(VideoResource))]
[JsonSerializable(typeof(VideoListResource<VideoResource>))]
[JsonSerializable(typeof(GatewayVideoResource))]
[JsonSerializable(typeof(VideoListResource<GatewayVideoResource>))]
[JsonSerializable(typeof(FastApiError))]
[JsonSerializable(typeof(DeletedVideoResource))]
[JsonSerializable(typeof(VideoCharacterResource))]
[JsonSerializable(typeof(ErrorResponse))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
