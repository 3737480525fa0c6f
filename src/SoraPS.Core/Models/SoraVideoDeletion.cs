using System.Text.Json.Serialization;

namespace SoraPS;

/// <summary>The server's confirmation that a job and its assets were deleted.</summary>
public sealed class SoraVideoDeletion
{
    [JsonPropertyName("id")]
    public string Id { get; set; } = string.Empty;

    [JsonPropertyName("object")]
    public string? ObjectType { get; set; }

    [JsonPropertyName("deleted")]
    public bool Deleted { get; set; }

    public override string ToString() => Id;
}
