using System.Collections.Generic;

namespace SoraPS.Emulator.Json;

// The response bodies of the contract (../shared/api/openai-videos.openapi.yaml), written in
// snake_case by ApiJsonContext. Every required field is a constructor parameter, so none can be
// left out; nullable ones are written as null.

internal sealed record VideoResource(
    string Id,
    string Object,
    string Model,
    string Status,
    int Progress,
    long CreatedAt,
    long? CompletedAt,
    long? ExpiresAt,
    string? Prompt,
    string Size,
    string Seconds,
    string? RemixedFromVideoId,
    VideoError? Error);

internal sealed record VideoError(string Code, string Message)
{
    /// <summary>The one way a job fails here: the moderation trigger.</summary>
    public static VideoError ModerationBlocked { get; } = new("moderation_blocked", "Your request was blocked by our moderation system.");
}

/// <summary>A page of the list; <typeparamref name="TVideo"/> is the profile's shape of a video object.</summary>
internal sealed record VideoListResource<TVideo>(
    string Object,
    IReadOnlyList<TVideo> Data,
    string? FirstId,
    string? LastId,
    bool HasMore);

/// <summary>
/// A video object as LiteLLM's proxy writes it (its VideoObject model): no prompt, every other
/// field nullable and written, in its order, and a usage object for cost tracking.
/// </summary>
internal sealed record GatewayVideoResource(
    string Id,
    string Object,
    string Status,
    long? CreatedAt,
    long? CompletedAt,
    long? ExpiresAt,
    VideoError? Error,
    int? Progress,
    string? RemixedFromVideoId,
    string? Seconds,
    string? Size,
    string? Model,
    VideoUsage? Usage);

internal sealed record VideoUsage(double DurationSeconds);

/// <summary>The body of FastAPI's own errors (an unknown route, a method not allowed).</summary>
internal sealed record FastApiError(string Detail);

internal sealed record DeletedVideoResource(string Id, string Object, bool Deleted);

internal sealed record VideoCharacterResource(string Id, string Name, long CreatedAt);

internal sealed record ErrorResponse(ErrorBody Error);

internal sealed record ErrorBody(string Message, string? Type, string? Param, string? Code);
