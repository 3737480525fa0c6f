using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace SoraPS.Emulator.Http;

/// <summary>
/// Reads JSON and multipart bodies. Multipart is parsed section by section (not with ReadFormAsync)
/// to keep every part's raw headers, which tests use to check how a client quotes them.
/// </summary>
internal static class BodyReader
{
    public static async Task<IncomingBody> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is 0 || (request.ContentType is null && request.ContentLength is null))
        {
            return IncomingBody.None;
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType))
        {
            return new IncomingBody { Kind = BodyKind.Other };
        }

        if (mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase))
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            return new IncomingBody { Kind = BodyKind.Json, Json = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false) };
        }

        if (mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
            if (string.IsNullOrEmpty(boundary))
            {
                return new IncomingBody { Kind = BodyKind.Multipart, Problem = "The multipart body has no boundary." };
            }

            try
            {
                return await ReadMultipartAsync(new MultipartReader(boundary, request.Body), cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                return new IncomingBody { Kind = BodyKind.Multipart, Problem = "The multipart body could not be read: " + ex.Message };
            }
            catch (InvalidDataException ex)
            {
                return new IncomingBody { Kind = BodyKind.Multipart, Problem = "The multipart body could not be read: " + ex.Message };
            }
        }

        return new IncomingBody { Kind = BodyKind.Other };
    }

    private static async Task<IncomingBody> ReadMultipartAsync(MultipartReader reader, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = new Dictionary<string, UploadedFile>(StringComparer.Ordinal);
        var parts = new List<RecordedPart>();
        while (await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false) is { } section)
        {
            var rawDisposition = section.ContentDisposition ?? string.Empty;
            var disposition = ContentDispositionHeaderValue.TryParse(rawDisposition, out var parsed) ? parsed : null;
            var name = disposition is null ? null : HeaderUtilities.RemoveQuotes(disposition.Name).Value;
            var fileName = disposition is null ? null : NullIfEmpty(HeaderUtilities.RemoveQuotes(disposition.FileNameStar).Value)
                ?? NullIfEmpty(HeaderUtilities.RemoveQuotes(disposition.FileName).Value);
            var contentType = NullIfEmpty(section.ContentType);

            long length;
            if (fileName is not null)
            {
                length = await CountAsync(section.Body, cancellationToken).ConfigureAwait(false);
                if (name is not null)
                {
                    files.TryAdd(name, new UploadedFile(name, fileName, contentType, length));
                }
            }
            else
            {
                using var buffer = new MemoryStream();
                await section.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                length = buffer.Length;
                if (name is not null)
                {
                    fields.TryAdd(name, Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
                }
            }

            parts.Add(new RecordedPart(rawDisposition, name, fileName, contentType, length));
        }

        return new IncomingBody { Kind = BodyKind.Multipart, Fields = fields, Files = files, Parts = parts };
    }

    private static async Task<long> CountAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
