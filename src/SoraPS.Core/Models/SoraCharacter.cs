using System;
using System.Text.Json.Serialization;
using SoraPS.Core.Json;

namespace SoraPS;

/// <summary>A character made from an uploaded video, to appear in later generations.</summary>
public sealed class SoraCharacter
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("created_at")]
    [JsonConverter(typeof(UnixTimeConverter))]
    public DateTimeOffset? CreatedAt { get; set; }

    public override string ToString() => Id ?? string.Empty;
}
