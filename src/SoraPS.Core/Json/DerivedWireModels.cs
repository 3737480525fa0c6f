using System.Text.Json.Serialization;

namespace SoraPS.Core.Json;

/// <summary>An edit of a completed job: <c>{"prompt", "video": {"id"}}</c>.</summary>
internal sealed class EditVideoJsonBody
{
    [JsonPropertyName("prompt")]
    public string Prompt { get; set; } = string.Empty;

    [JsonPropertyName("video")]
    public VideoReferenceBody Video { get; set; } = new();
}

/// <summary>An extension of a completed job: <c>{"prompt", "seconds", "video": {"id"}}</c>, seconds as a string.</summary>
internal sealed class ExtendVideoJsonBody
{
    [JsonPropertyName("prompt")]
    public string Prompt { get; set; } = string.Empty;

    [JsonPropertyName("seconds")]
    public string Seconds { get; set; } = string.Empty;

    [JsonPropertyName("video")]
    public VideoReferenceBody Video { get; set; } = new();
}

/// <summary>A reference to a completed job by its id.</summary>
internal sealed class VideoReferenceBody
{
    [JsonPropertyName("id")]
    public string Id { get; set; } = string.Empty;
}
