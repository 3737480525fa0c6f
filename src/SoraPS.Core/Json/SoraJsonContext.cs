using System.Text.Json.Serialization;

namespace SoraPS.Core.Json;

/// <summary>
/// Source-generated serialization: no reflection at run time, which keeps import fast and works
/// the same on .NET Framework and .NET. Unknown fields are ignored by default; nulls are not written
/// so that a request carries only what the user chose and the server applies its own defaults.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SoraVideo))]
[JsonSerializable(typeof(SoraVideoPage))]
[JsonSerializable(typeof(SoraVideoDeletion))]
[JsonSerializable(typeof(ApiErrorEnvelope))]
[JsonSerializable(typeof(CreateVideoJsonBody))]
[JsonSerializable(typeof(PromptBody))]
[JsonSerializable(typeof(EditVideoJsonBody))]
[JsonSerializable(typeof(ExtendVideoJsonBody))]
[JsonSerializable(typeof(SoraCharacter))]
internal sealed partial class SoraJsonContext : JsonSerializerContext
{
}
