using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace SoraPS.Core.Http;

/// <summary>The forms an error body takes on the servers users have (GATEWAYS.md).</summary>
internal enum ErrorShape
{
    /// <summary>No body at all.</summary>
    None,

    /// <summary>OpenAI's <c>{"error": {"message", "type", "param", "code"}}</c>, code a string or a number.</summary>
    OpenAi,

    /// <summary>Portkey's own errors: <c>{"status": "failure", "message"}</c>.</summary>
    Portkey,

    /// <summary>FastAPI (LiteLLM's proxy): <c>{"detail": "..."}</c>, or a list of validation errors.</summary>
    FastApi,

    /// <summary>Some other JSON object with a <c>message</c> (or an <c>error</c> string).</summary>
    Message,

    /// <summary>An HTML page, from a proxy or a load balancer.</summary>
    Html,

    /// <summary>Plain text, or JSON of no known form.</summary>
    Text,
}

/// <summary>What the server said went wrong, in its own words.</summary>
internal sealed class ServerError
{
    public ServerError(ErrorShape shape, string? message, string? type = null, string? code = null, string? param = null)
    {
        Shape = shape;
        Message = message;
        Type = type;
        Code = code;
        Param = param;
    }

    public ErrorShape Shape { get; }

    /// <summary>The server's words, trimmed to a readable length; null for an empty body.</summary>
    public string? Message { get; }

    public string? Type { get; }

    public string? Code { get; }

    public string? Param { get; }

    /// <summary>True for a JSON error of a known form; false for a page or text that merely came with an error status.</summary>
    public bool IsStructured => Shape is ErrorShape.OpenAi or ErrorShape.Portkey or ErrorShape.FastApi or ErrorShape.Message;
}

/// <summary>
/// What SoraPS makes of a server's answer, in one place: a success parsed as the expected JSON, an error
/// in any of the shapes gateways send turned into a <see cref="SoraApiException"/> that quotes the server,
/// with advice where the cause is known (no key given, an operation this server lacks), and the headers
/// that matter (request id, polling hint).
/// </summary>
internal static class ResponseReader
{
    public const int MaxErrorBodyBytes = 64 * 1024;
    private const int QuotedChars = 200;

    private static readonly Regex HtmlTitle = new("<title[^>]*>(.*?)</title>", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant);
    private static readonly Regex HtmlTagOrScript = new("<script.*?</script>|<style.*?</style>|<[^>]*>", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant);
    private static readonly Regex Whitespace = new(@"\s+", RegexOptions.CultureInvariant);

    private static readonly string[] RequestIdHeaders = ["x-request-id", "x-litellm-call-id"];

    /// <summary>Reads a body of at most <paramref name="limit"/> bytes; one allocation when its length is announced.</summary>
    public static async Task<byte[]> ReadBodyAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
#if NET
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
#else
        var stream = await content.ReadAsStreamAsync().ConfigureAwait(false);
#endif
        using (stream)
        {
            if (content.Headers.ContentLength is { } length && length <= limit)
            {
                var body = new byte[length];
                var filled = 0;
                int read;
                while (filled < body.Length && (read = await stream.ReadAsync(body, filled, body.Length - filled, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    filled += read;
                }

                return filled == body.Length ? body : body.AsSpan(0, filled).ToArray();
            }

            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int count;
            while (buffer.Length < limit && (count = await stream.ReadAsync(chunk, 0, (int)Math.Min(chunk.Length, limit - buffer.Length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                buffer.Write(chunk, 0, count);
            }

            return buffer.ToArray();
        }
    }

    /// <summary>A 2xx answer as <typeparamref name="T"/>, or an error quoting what came instead.</summary>
    public static T ParseSuccess<T>(HttpResponseMessage response, byte[] bytes, JsonTypeInfo<T> typeInfo, ApiRequest request, Uri target)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var looksLikeJson = mediaType is null || mediaType.IndexOf("json", StringComparison.OrdinalIgnoreCase) >= 0;
        if (looksLikeJson)
        {
            try
            {
                var value = JsonSerializer.Deserialize(bytes, typeInfo);
                if (value is not null && HasIdentity(value))
                {
                    return value;
                }
            }
            catch (JsonException)
            {
                // Reported below with the start of the body.
            }
        }

        // A server that answers 200 with an error object said what went wrong: quote that.
        var error = ReadError(response, bytes);
        var said = error.IsStructured && error.Message is not null ? $"it says \"{error.Message}\"" : Quote(bytes);
        return Throw<T>(new SoraApiException(
            response.StatusCode,
            $"The server's answer is not the expected JSON ({mediaType ?? "no content type"}): {said}",
            SoraApiException.InvalidResponseType,
            "invalid_json",
            null,
            RequestId(response),
            request.Method.Method,
            target.AbsolutePath));
    }

    /// <summary>
    /// A job, deletion or character without an id is not one: it is what a 200 with an error object
    /// (or any other JSON) reads as, since unknown fields are ignored.
    /// </summary>
    private static bool HasIdentity<T>(T value) => value switch
    {
        SoraVideo video => !string.IsNullOrEmpty(video.Id),
        SoraVideoDeletion deletion => !string.IsNullOrEmpty(deletion.Id),
        SoraCharacter character => !string.IsNullOrEmpty(character.Id),
        _ => true,
    };

    /// <summary>Reads an error body in whichever shape it came.</summary>
    public static ServerError ReadError(HttpResponseMessage response, byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return new ServerError(ErrorShape.None, null);
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType ?? string.Empty;
        var text = Decode(bytes);
        var trimmed = text.TrimStart();
        if (trimmed.StartsWith("{", StringComparison.Ordinal) || trimmed.StartsWith("[", StringComparison.Ordinal))
        {
            try
            {
                using var document = JsonDocument.Parse(bytes);
                return FromJson(document.RootElement, text);
            }
            catch (JsonException)
            {
                // Not JSON after all: quoted as text below.
            }
        }

        if (mediaType.IndexOf("html", StringComparison.OrdinalIgnoreCase) >= 0 || trimmed.StartsWith("<", StringComparison.Ordinal))
        {
            return new ServerError(ErrorShape.Html, HtmlWords(text));
        }

        return new ServerError(ErrorShape.Text, Shorten(Clean(text)));
    }

    /// <summary>
    /// Whether an error says that this server lacks the operation itself (a gateway without a delete or
    /// list route, a provider that cannot remix), rather than that this request or this job was wrong.
    /// </summary>
    public static bool MeansNotOffered(HttpStatusCode status, ServerError error, ApiOperation operation)
    {
        var code = (int)status;
        if (code is 405 or 501)
        {
            return true;
        }

        var words = error.Message ?? string.Empty;
        if (code >= 500 && (words.IndexOf("NotImplementedError", StringComparison.Ordinal) >= 0
            || words.IndexOf("is not supported", StringComparison.OrdinalIgnoreCase) >= 0
            || words.IndexOf("not implemented", StringComparison.OrdinalIgnoreCase) >= 0))
        {
            return true;
        }

        if (code != 404)
        {
            return false;
        }

        // A 404 for a route the server does not have, as OpenAI ("Invalid URL"), FastAPI ("Not Found") and
        // proxies (a bare page) word it. For a job or a character, a 404 in the API's own envelope means
        // that one was not found.
        if (string.Equals(error.Code, "unknown_url", StringComparison.OrdinalIgnoreCase)
            || words.StartsWith("Invalid URL", StringComparison.OrdinalIgnoreCase)
            || (error.Shape == ErrorShape.FastApi && string.Equals(words, "Not Found", StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        return !error.IsStructured && operation is not (ApiOperation.Retrieve or ApiOperation.Content or ApiOperation.GetCharacter);
    }

    /// <summary>The exception for an error answer, with advice where the cause is known.</summary>
    public static SoraApiException Failure(HttpResponseMessage response, ServerError error, ApiRequest request, Uri target, SoraConnection connection)
    {
        var status = response.StatusCode;
        var words = error.Shape switch
        {
            ErrorShape.None => null,
            ErrorShape.Html => $"an HTML page: \"{error.Message}\"",
            ErrorShape.Text => $"\"{error.Message}\"",
            _ => error.Message,
        };

        if (MeansNotOffered(status, error, request.Operation))
        {
            var said = words is null ? "it gave no reason" : error.IsStructured ? $"it said \"{words}\"" : $"it answered {words}";
            var stop = said.EndsWith(".\"", StringComparison.Ordinal) ? string.Empty : ".";
            return new SoraApiException(
                status,
                $"{target.Authority} does not offer {ApiRequest.Describe(request.Operation)}; {said}{stop}{NotOfferedAdvice(request.Operation)}",
                SoraApiException.NotSupportedType,
                SoraApiException.NotSupportedCode,
                null,
                RequestId(response),
                request.Method.Method,
                target.AbsolutePath);
        }

        var message = words ?? $"an empty body with status {(int)status}.";
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden && !connection.HasCredential)
        {
            message = message.TrimEnd() + " " + NoKeyAdvice(connection);
        }
        else if (status == HttpStatusCode.Unauthorized && connection.HasAccessToken)
        {
            message = message.TrimEnd() + " " + connection.RenewTokenAdvice;
        }

        return new SoraApiException(
            status,
            message,
            error.IsStructured ? error.Type : SoraApiException.InvalidResponseType,
            error.Code,
            error.Param,
            RequestId(response),
            request.Method.Method,
            target.AbsolutePath)
        {
            RetryAfter = RetryPolicy.ServerDelay(response.Headers, DateTimeOffset.UtcNow),
        };
    }

    /// <summary>
    /// For a 2xx content answer: a description quoting its start when it is an error (JSON, an HTML page,
    /// text) rather than media; null when it may be content. Bytes recognised as media were ruled out before.
    /// </summary>
    public static string? DescribeErrorContent(string? mediaType, byte[] head, int length)
    {
        var type = mediaType ?? string.Empty;
        var start = Decode(head, length).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        var labelledText = type.IndexOf("json", StringComparison.OrdinalIgnoreCase) >= 0
            || type.IndexOf("html", StringComparison.OrdinalIgnoreCase) >= 0
            || type.IndexOf("xml", StringComparison.OrdinalIgnoreCase) >= 0
            || type.StartsWith("text/", StringComparison.OrdinalIgnoreCase);
        var looksLikeText = start.StartsWith("{", StringComparison.Ordinal) || start.StartsWith("[", StringComparison.Ordinal)
            || start.StartsWith("<", StringComparison.Ordinal);
        if (!labelledText && !looksLikeText)
        {
            return null;
        }

        var kind = start.StartsWith("<", StringComparison.Ordinal) || type.IndexOf("html", StringComparison.OrdinalIgnoreCase) >= 0
            ? "an HTML page"
            : start.StartsWith("{", StringComparison.Ordinal) || start.StartsWith("[", StringComparison.Ordinal) ? "JSON" : "text";
        return $"{kind} ({(mediaType ?? "no content type")}): \"{Shorten(Clean(start))}\"";
    }

    /// <summary>
    /// The id the server keeps this request under in its logs: OpenAI's and Azure's x-request-id (which
    /// Portkey passes through), or LiteLLM's x-litellm-call-id, the id its logs and spend records use.
    /// </summary>
    public static string? RequestId(HttpResponseMessage response)
    {
        foreach (var header in RequestIdHeaders)
        {
            if (response.Headers.TryGetValues(header, out var values) && values.FirstOrDefault() is { Length: > 0 } id)
            {
                return id;
            }
        }

        return null;
    }

    /// <summary>The server's suggested polling delay (openai-poll-after-ms), if it gave one.</summary>
    public static TimeSpan? PollAfter(HttpResponseMessage response) =>
        response.Headers.TryGetValues("openai-poll-after-ms", out var values)
            && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0
            ? TimeSpan.FromMilliseconds(ms)
            : null;

    /// <summary>The start of a body, in quotes, for a message.</summary>
    public static string Quote(byte[] bytes) => bytes.Length == 0 ? "an empty body" : "\"" + Shorten(Clean(Decode(bytes))) + "\"";

    private static ServerError FromJson(JsonElement root, string text)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new ServerError(ErrorShape.Text, Shorten(Clean(text)));
        }

        if (root.TryGetProperty("error", out var error))
        {
            if (error.ValueKind == JsonValueKind.Object)
            {
                return new ServerError(
                    ErrorShape.OpenAi,
                    Shorten(Str(error, "message") ?? Clean(error.GetRawText())),
                    Str(error, "type"),
                    Str(error, "code"),
                    Str(error, "param"));
            }

            if (error.ValueKind == JsonValueKind.String)
            {
                return new ServerError(ErrorShape.Message, Shorten(Str(root, "message") ?? error.GetString()), code: Str(root, "code"));
            }
        }

        if (root.TryGetProperty("detail", out var detail))
        {
            return new ServerError(ErrorShape.FastApi, Shorten(Detail(detail)));
        }

        if (Str(root, "message") is { } message)
        {
            var status = Str(root, "status");
            var shape = string.Equals(status, "failure", StringComparison.OrdinalIgnoreCase) ? ErrorShape.Portkey : ErrorShape.Message;
            return new ServerError(shape, Shorten(message), code: Str(root, "code"));
        }

        return new ServerError(ErrorShape.Text, Shorten(Clean(text)));
    }

    /// <summary>FastAPI's detail: a sentence, or validation errors as "where: what" pairs.</summary>
    private static string Detail(JsonElement detail)
    {
        if (detail.ValueKind == JsonValueKind.String)
        {
            return detail.GetString() ?? string.Empty;
        }

        if (detail.ValueKind != JsonValueKind.Array)
        {
            return Clean(detail.GetRawText());
        }

        var parts = detail.EnumerateArray().Select(item =>
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                return Clean(item.GetRawText());
            }

            var where = item.TryGetProperty("loc", out var loc) && loc.ValueKind == JsonValueKind.Array
                ? string.Join(".", loc.EnumerateArray().Select(p => p.ValueKind == JsonValueKind.String ? p.GetString() : p.GetRawText()))
                : null;
            var what = Str(item, "msg") ?? Clean(item.GetRawText());
            return where is null ? what : where + ": " + what;
        });
        return string.Join("; ", parts);
    }

    /// <summary>A string (or a number or boolean as its text) of a property; null when absent or null.</summary>
    private static string? Str(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => null,
        };
    }

    /// <summary>An HTML page's title, else its visible text.</summary>
    private static string HtmlWords(string html)
    {
        var title = HtmlTitle.Match(html);
        var words = title.Success ? title.Groups[1].Value : HtmlTagOrScript.Replace(html, " ");
        words = Clean(WebUtility.HtmlDecode(words));
        if (words.Length == 0)
        {
            words = Clean(HtmlTagOrScript.Replace(html, " "));
        }

        return Shorten(words);
    }

    private static string Decode(byte[] bytes, int? length = null) =>
        Encoding.UTF8.GetString(bytes, 0, Math.Min(length ?? bytes.Length, QuotedChars * 8));

    private static string Clean(string text) =>
        Whitespace.Replace(new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()), " ").Trim();

    private static string Shorten(string? text)
    {
        var value = (text ?? string.Empty).Trim();
        return value.Length > QuotedChars ? value.Substring(0, QuotedChars) + "..." : value;
    }

    private static string NotOfferedAdvice(ApiOperation operation) => operation switch
    {
        ApiOperation.Delete => " Some gateways, LiteLLM's proxy among them, have no delete route; delete the job where it was made, if at all.",
        ApiOperation.List => " Get-SoraVideo -Id and Wait-SoraVideo still work job by job.",
        _ => string.Empty,
    };

    private static string NoKeyAdvice(SoraConnection connection) => connection.Azure
        ? "No key or token was sent: give one with Connect-Sora -AzureEndpoint ... -ApiKey (Read-Host -AsSecureString 'API key') or -AccessToken, or set AZURE_OPENAI_API_KEY."
        : "No key was sent: give one with Connect-Sora -ApiKey (Read-Host -AsSecureString 'API key'), or set OPENAI_API_KEY. "
            + "A gateway that reads its key from a header of its own takes it with -ApiKeyHeader, for example Connect-Sora -ApiKey ... -ApiKeyHeader x-litellm-api-key.";

    private static T Throw<T>(Exception exception) => throw exception;
}
