using System.Text.Json.Serialization;

namespace SoraPS.Core.Json;

/// <summary>The API's error body: <c>{"error": {"message", "type", "param", "code"}}</c>.</summary>
internal sealed class ApiErrorEnvelope
{
    [JsonPropertyName("error")]
    public ApiErrorBody? Error { get; set; }
}

internal sealed class ApiErrorBody
{
    [JsonPropertyName("message")]
    public string? Message { get; set; }

    [JsonPropertyName("type")]
    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? Type { get; set; }

    [JsonPropertyName("param")]
    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? Param { get; set; }

    [JsonPropertyName("code")]
    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? Code { get; set; }
}

/// <summary>The JSON form of a create request, used when the reference is a URL or a file id.</summary>
internal sealed class CreateVideoJsonBody
{
    [JsonPropertyName("prompt")]
    public string Prompt { get; set; } = string.Empty;

    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("seconds")]
    public string? Seconds { get; set; }

    [JsonPropertyName("size")]
    public string? Size { get; set; }

    [JsonPropertyName("input_reference")]
    public ImageReferenceBody? InputReference { get; set; }
}

/// <summary>Exactly one of the two is set: the contract refuses both or neither.</summary>
internal sealed class ImageReferenceBody
{
    [JsonPropertyName("image_url")]
    public string? ImageUrl { get; set; }

    [JsonPropertyName("file_id")]
    public string? FileId { get; set; }
}

internal sealed class PromptBody
{
    [JsonPropertyName("prompt")]
    public string Prompt { get; set; } = string.Empty;
}
