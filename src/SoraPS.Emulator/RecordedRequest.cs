using System.Collections.Generic;

namespace SoraPS.Emulator;

/// <summary>One request that reached the API routes, as it arrived.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Request path, e.g. "/v1/videos".</param>
/// <param name="Query">Query string without the leading '?', or empty.</param>
/// <param name="Headers">Request headers (case-insensitive names; repeated values joined with ", ").</param>
/// <param name="Parts">The parts of a multipart/form-data body, in order; empty otherwise.</param>
/// <param name="JsonBody">The raw body of a JSON request; null otherwise.</param>
public sealed record RecordedRequest(
    string Method,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyList<RecordedPart> Parts,
    string? JsonBody);

/// <summary>One part of a multipart body.</summary>
/// <param name="ContentDisposition">The raw Content-Disposition header, kept so that quoting can be checked.</param>
/// <param name="Name">The part's name.</param>
/// <param name="FileName">The part's file name, or null for a plain field.</param>
/// <param name="ContentType">The part's Content-Type header, or null when absent.</param>
/// <param name="Length">Length of the part's body in bytes.</param>
public sealed record RecordedPart(string ContentDisposition, string? Name, string? FileName, string? ContentType, long Length);
