using System;
using System.Collections.Generic;

namespace SoraPS.Emulator.Json;

// Bodies of the /_emulator control routes, in camelCase like the C# API they mirror.

/// <summary>A <see cref="Fault"/> as JSON; <c>stallForMs</c> is an alternative to the TimeSpan text of <c>stallFor</c>.</summary>
internal sealed record FaultRequest(
    string? Method,
    string? PathPattern,
    int? Count,
    FaultKind? Kind,
    int? Status,
    Dictionary<string, string>? Headers,
    string? Body,
    string? ContentType,
    long? AfterBytes,
    TimeSpan? StallFor,
    long? StallForMs,
    RangeCorruption? RangeCorruption);

internal sealed record SeedRequest(int Count);
