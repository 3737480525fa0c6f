using System;
using System.Linq;
using System.Net;
using System.Net.Http;

namespace SoraPS.Core.Http;

/// <summary>
/// Turns a server's signs of retirement into one clear notice each: Deprecation and Sunset headers,
/// a 410, a 404 that names the model, and a 404 for the Videos API itself (OpenAI switched its own
/// off on 2026-09-24).
/// </summary>
internal static class ServerNotices
{
    private const string MoveAdvice =
        "Point Connect-Sora -BaseUri at a server that still offers this API shape (an OpenAI-compatible gateway), or use Connect-Sora -AzureEndpoint.";

    public static void Check(HttpResponseMessage response, string? errorCode, string? errorParam, Uri baseUri, string path, ISoraDiagnostics log)
    {
        var host = baseUri.Authority;
        var sunset = Header(response, "Sunset");
        var deprecation = Header(response, "Deprecation");
        if (sunset is not null || deprecation is not null)
        {
            var when = sunset is null ? "is deprecated" : $"will be switched off ({sunset})";
            log.Notice("deprecation|" + host, $"{host} says the Videos API {when}. {MoveAdvice}");
        }

        var status = (int)response.StatusCode;
        if (status == 410)
        {
            log.Notice("gone|" + host, $"{host} no longer serves the Videos API (410 Gone). {MoveAdvice}");
        }
        else if (status == 404 && (string.Equals(errorParam, "model", StringComparison.OrdinalIgnoreCase)
            || (errorCode?.IndexOf("model", StringComparison.OrdinalIgnoreCase) ?? -1) >= 0))
        {
            log.Notice("model|" + host, $"{host} does not know the model asked for; it may have been retired. Choose another with -Model.");
        }
        else if (status == 404 && IsCollection(path) && !string.Equals(errorCode, "video_not_found", StringComparison.OrdinalIgnoreCase))
        {
            log.Notice(
                "endpoint|" + host,
                $"{host} has no Videos API at {baseUri} (404). OpenAI switched its own Videos API off on 2026-09-24. {MoveAdvice}");
        }
    }

    /// <summary>The create and list path: a 404 there means the API, not one video, is missing.</summary>
    private static bool IsCollection(string path) => path == "videos" || path.StartsWith("videos?", StringComparison.Ordinal);

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
