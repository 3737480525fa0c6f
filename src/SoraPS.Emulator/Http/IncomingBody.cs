using System.Collections.Generic;
using Microsoft.AspNetCore.Http;

namespace SoraPS.Emulator.Http;

internal enum BodyKind
{
    None,
    Json,
    Multipart,
    Other,
}

/// <summary>A file part of a multipart body; its bytes are counted, not kept.</summary>
internal sealed record UploadedFile(string Name, string? FileName, string? ContentType, long Length);

/// <summary>
/// The request body, read once by the pipeline (to record it) and handed to the handlers.
/// </summary>
internal sealed class IncomingBody
{
    private static readonly object ItemKey = new();

    public static IncomingBody None { get; } = new() { Kind = BodyKind.None };

    public required BodyKind Kind { get; init; }

    /// <summary>Raw text of a JSON body.</summary>
    public string? Json { get; init; }

    /// <summary>Text fields of a multipart body; a repeated name keeps its first value.</summary>
    public IReadOnlyDictionary<string, string> Fields { get; init; } = new Dictionary<string, string>();

    /// <summary>File parts of a multipart body, first one per name.</summary>
    public IReadOnlyDictionary<string, UploadedFile> Files { get; init; } = new Dictionary<string, UploadedFile>();

    public IReadOnlyList<RecordedPart> Parts { get; init; } = [];

    /// <summary>Why the body could not be read, if it could not.</summary>
    public string? Problem { get; init; }

    public static IncomingBody Of(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var body) && body is IncomingBody incoming ? incoming : None;

    public void AttachTo(HttpContext context) => context.Items[ItemKey] = this;
}
