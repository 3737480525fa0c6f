using System;
using System.Linq;
using System.Net;
using System.Net.Http;

namespace SoraPS.Core.Http;

/// <summary>
/// Turns a server's signs of retirement into one clear notice each: Deprecation and Sunset headers,
/// a 410, a 404 that names the model, and a 404 to a create (OpenAI switched its own Videos API off on
/// 2026-09-24). A 404 to the list alone proves nothing: some gateways create jobs but do not list them.
/// </summary>
internal static class ServerNotices
{
    private const string MoveAdvice =
        "Point Connect-Sora -BaseUri at a server that still offers this API shape (an OpenAI-compatible gateway), or use Connect-Sora -AzureEndpoint.";

    public static void Check(HttpResponseMessage response, string? errorCode, string? errorParam, Uri baseUri, HttpMethod method, string path, ISoraDiagnostics log)
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
        else if (status == 404 && method == HttpMethod.Post && path == "videos")
        {
            log.Notice(
                "endpoint|" + host,
                $"{host} has no Videos API at {baseUri} (404). OpenAI switched its own Videos API off on 2026-09-24. {MoveAdvice}");
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
