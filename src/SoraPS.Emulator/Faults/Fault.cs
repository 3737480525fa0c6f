using System;
using System.Collections.Generic;

namespace SoraPS.Emulator;

/// <summary>
/// A misbehaviour to apply to the next <see cref="Count"/> requests that match
/// <see cref="Method"/> and <see cref="PathPattern"/>.
/// </summary>
/// <param name="Method">HTTP method to match, or "*" for any.</param>
/// <param name="PathPattern">
/// Path to match, e.g. "/v1/videos", "/v1/videos/*", "/v1/videos/*/content"; '*' stands for one
/// segment. A "/v1/..." pattern also matches the same path under "/openai/v1" and without "/v1".
/// </param>
public sealed record Fault(string Method, string PathPattern)
{
    /// <summary>Number of matching requests the fault applies to.</summary>
    public int Count { get; init; } = 1;

    /// <summary>What happens to a matching request.</summary>
    public FaultKind Kind { get; init; } = FaultKind.Respond;

    /// <summary>Status code of a <see cref="FaultKind.Respond"/> answer.</summary>
    public int Status { get; init; } = 500;

    /// <summary>Headers added to a <see cref="FaultKind.Respond"/> answer (e.g. Retry-After, Location).</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>Raw body of a <see cref="FaultKind.Respond"/> answer; null means the standard error envelope for <see cref="Status"/> (no body below 400).</summary>
    public string? Body { get; init; }

    /// <summary>Content-Type of <see cref="Body"/>.</summary>
    public string ContentType { get; init; } = "application/json";

    /// <summary>For Truncate, ResetMidBody and Stall: bytes of the real response body sent first.</summary>
    public long AfterBytes { get; init; }

    /// <summary>For Stall: how long to send nothing after <see cref="AfterBytes"/> (or until the client goes away); then the rest follows.</summary>
    public TimeSpan StallFor { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>For CorruptRange: how the partial answer is spoiled.</summary>
    public RangeCorruption RangeCorruption { get; init; } = RangeCorruption.Reencode;
}

/// <summary>The kinds of fault a <see cref="Fault"/> can inject.</summary>
public enum FaultKind
{
    /// <summary>Answer Status, Headers and Body instead of the real handler (429, 5xx, HTML pages, malformed or custom JSON, redirects).</summary>
    Respond,

    /// <summary>Abort the connection before any response is sent (the request itself was read).</summary>
    ResetBeforeHeaders,

    /// <summary>Real headers with the full Content-Length, AfterBytes of the body, then abort the connection.</summary>
    ResetMidBody,

    /// <summary>Real headers, AfterBytes of the body, then end the response and close the connection (a short body).</summary>
    Truncate,

    /// <summary>Real headers, AfterBytes of the body, then nothing for StallFor, then the rest.</summary>
    Stall,

    /// <summary>Nothing at all for StallFor (not even headers), then the real response.</summary>
    StallBeforeHeaders,

    /// <summary>
    /// Spoil a resumed download: applies only to requests that carry a Range header and are
    /// answered 206 (any other answer passes untouched and does not use up the fault); how the
    /// answer is spoiled is <see cref="Fault.RangeCorruption"/>.
    /// </summary>
    CorruptRange,
}

/// <summary>How a <see cref="FaultKind.CorruptRange"/> fault spoils a 206 answer.</summary>
public enum RangeCorruption
{
    /// <summary>
    /// What a gateway that handles every body as text does (Portkey): the range's bytes are decoded
    /// as UTF-8, with a replacement character for each invalid sequence, and encoded again; the result
    /// is sent chunked, without Content-Length, under the original Content-Range, so it is longer than
    /// announced and not the asset's bytes.
    /// </summary>
    Reencode,

    /// <summary>
    /// Another range than the one asked for, truthfully labelled: it starts 100 bytes earlier (at 0
    /// when the asked offset is below 100; 100 bytes later when it was 0) and has the asked length.
    /// </summary>
    WrongStart,

    /// <summary>The asked range, but Content-Range names a total length 1000 bytes above the asset's real length.</summary>
    WrongTotal,
}
