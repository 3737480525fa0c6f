using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace SoraPS;

/// <summary>One page of the job list.</summary>
public sealed class SoraVideoPage
{
    [JsonPropertyName("object")]
    public string? ObjectType { get; set; }

    [JsonPropertyName("data")]
    public IReadOnlyList<SoraVideo> Data { get; set; } = [];

    [JsonPropertyName("first_id")]
    public string? FirstId { get; set; }

    [JsonPropertyName("last_id")]
    public string? LastId { get; set; }

    /// <summary>Whether another page follows; null when the server did not say (some gateways leave it out).</summary>
    [JsonPropertyName("has_more")]
    public bool? HasMore { get; set; }
}
