using System;
using System.Text.Json.Serialization;
using SoraPS.Core.Json;

namespace SoraPS;

/// <summary>A video job as the Videos API describes it.</summary>
/// <remarks>
/// Model, size, seconds and status are open strings: compatible servers (gateways in front of Veo,
/// Runway, Azure deployments) use values that Sora never had, and a client that rejected them would
/// break on the first unfamiliar answer.
/// </remarks>
public sealed class SoraVideo
{
    [JsonPropertyName("id")]
    public string Id { get; set; } = string.Empty;

    [JsonPropertyName("object")]
    public string? ObjectType { get; set; }

    [JsonPropertyName("model")]
    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? Model { get; set; }

    [JsonPropertyName("status")]
    [JsonConverter(typeof(FlexibleStringConverter))]
    public string Status { get; set; } = string.Empty;

    /// <summary>Percent done, 0 to 100; null when the server does not say (some gateways never do).</summary>
    [JsonPropertyName("progress")]
    [JsonConverter(typeof(FlexibleIntConverter))]
    public int? Progress { get; set; }

    [JsonPropertyName("created_at")]
    [JsonConverter(typeof(UnixTimeConverter))]
    public DateTimeOffset? CreatedAt { get; set; }

    [JsonPropertyName("completed_at")]
    [JsonConverter(typeof(UnixTimeConverter))]
    public DateTimeOffset? CompletedAt { get; set; }

    [JsonPropertyName("expires_at")]
    [JsonConverter(typeof(UnixTimeConverter))]
    public DateTimeOffset? ExpiresAt { get; set; }

    [JsonPropertyName("prompt")]
    public string? Prompt { get; set; }

    [JsonPropertyName("size")]
    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? Size { get; set; }

    [JsonPropertyName("seconds")]
    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? Seconds { get; set; }

    [JsonPropertyName("remixed_from_video_id")]
    public string? RemixedFromVideoId { get; set; }

    [JsonPropertyName("error")]
    public SoraVideoError? Error { get; set; }

    /// <summary>True once the job has ended, well or badly. An unknown status is not finished.</summary>
    [JsonIgnore]
    public bool IsFinished => VideoStatus.IsFinished(Status);

    /// <summary>True when the job completed and its content can be downloaded.</summary>
    [JsonIgnore]
    public bool IsCompleted => VideoStatus.IsCompleted(Status);

    /// <summary>True when the job ended without a video: failed, cancelled, expired and the like.</summary>
    [JsonIgnore]
    public bool IsFailed => VideoStatus.IsFailed(Status);

    public override string ToString() => Id;
}

/// <summary>Why a job failed, as the server put it.</summary>
public sealed class SoraVideoError
{
    [JsonPropertyName("code")]
    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? Code { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }

    public override string ToString() => string.IsNullOrEmpty(Code) ? Message ?? string.Empty : $"{Code}: {Message}";
}
