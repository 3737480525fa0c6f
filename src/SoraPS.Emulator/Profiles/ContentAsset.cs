using System;
using System.IO;
using Microsoft.Net.Http.Headers;

namespace SoraPS.Emulator.Profiles;

/// <summary>The bytes a content request gets from the provider, before the profile answers with them.</summary>
/// <param name="Body">A seekable stream of the bytes.</param>
/// <param name="MediaType">What the provider labels them.</param>
/// <param name="SupportsRanges">Whether the provider serves ranges of them (with ETag and Last-Modified).</param>
internal sealed record ContentAsset(Stream Body, string MediaType, bool SupportsRanges, DateTimeOffset? LastModified = null, EntityTagHeaderValue? ETag = null);
