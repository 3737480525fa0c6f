using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using SoraPS.Core.Http;
using SoraPS.Core.Json;

namespace SoraPS;

/// <summary>
/// The Videos API over HTTP, against any base URL of that shape. Cheap to create (one per command);
/// connections are pooled by the process-wide HttpClient underneath.
/// </summary>
public sealed partial class SoraClient
{
    private const int MaxRedirects = 5;
    private const int MaxErrorBodyBytes = 64 * 1024;
    private const int QuotedBodyChars = 200;

    private static readonly string UserAgent =
        "SoraPS/" + (typeof(SoraClient).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    private readonly HttpClient http;
    private readonly ISoraDiagnostics log;
    private readonly Random jitter = new();

    public SoraClient(SoraConnection connection, ISoraDiagnostics? diagnostics = null, HttpClient? httpClient = null)
    {
        Connection = connection ?? throw new ArgumentNullException(nameof(connection));
        log = diagnostics ?? NullDiagnostics.Instance;
        http = httpClient ?? SharedHttpClient.Instance;
    }

    public SoraConnection Connection { get; }

    public async Task<SoraVideo> CreateVideoAsync(CreateVideoRequest request, CancellationToken cancellationToken = default)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        return await CreateVideoAsync(request.Validate(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates a job from a request already checked (so a caller can check before asking to confirm).</summary>
    public async Task<SoraVideo> CreateVideoAsync(ValidatedCreateVideoRequest valid, CancellationToken cancellationToken = default)
    {
        if (valid is null)
        {
            throw new ArgumentNullException(nameof(valid));
        }

        Func<HttpContent> body = valid.UsesJsonBody ? () => CreateJsonBody(valid) : () => CreateMultipartBody(valid);
        return (await SendJsonAsync(HttpMethod.Post, "videos", body, RequestKind.StartsJob, SoraJsonContext.Default.SoraVideo, cancellationToken)
            .ConfigureAwait(false)).Value;
    }

    public async Task<SoraVideo> GetVideoAsync(string id, CancellationToken cancellationToken = default) =>
        (await GetVideoWithPollHintAsync(id, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>Retrieves a job together with the server's suggested polling delay, if it gave one.</summary>
    internal Task<ApiResult<SoraVideo>> GetVideoWithPollHintAsync(string id, CancellationToken cancellationToken) =>
        SendJsonAsync(HttpMethod.Get, VideoPath(id), null, RequestKind.Idempotent, SoraJsonContext.Default.SoraVideo, cancellationToken);

    public async Task<SoraVideoPage> ListVideosAsync(ListVideosQuery? query = null, CancellationToken cancellationToken = default) =>
        (await ListVideosWithPollHintAsync(query, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>One page of the job list, with the server's suggested polling delay.</summary>
    internal async Task<ApiResult<SoraVideoPage>> ListVideosWithPollHintAsync(ListVideosQuery? query, CancellationToken cancellationToken)
    {
        query ??= new ListVideosQuery();
        InputValidation.ListLimit(query.Limit);
        var parameters = new List<string>();
        if (query.Limit is { } limit)
        {
            parameters.Add("limit=" + limit.ToString(CultureInfo.InvariantCulture));
        }

        if (query.Order is { } order)
        {
            parameters.Add("order=" + (order == ListOrder.Asc ? "asc" : "desc"));
        }

        if (!string.IsNullOrEmpty(query.After))
        {
            parameters.Add("after=" + Uri.EscapeDataString(query.After));
        }

        var path = parameters.Count == 0 ? "videos" : "videos?" + string.Join("&", parameters);
        var result = await SendJsonAsync(HttpMethod.Get, path, null, RequestKind.Idempotent, SoraJsonContext.Default.SoraVideoPage, cancellationToken)
            .ConfigureAwait(false);
        result.Value.Data ??= [];
        return result;
    }

    /// <summary>
    /// Every page from <paramref name="query"/> on, fetched only when the previous one has been consumed,
    /// so a consumer that stops early stops the requests too.
    /// </summary>
    public async IAsyncEnumerable<SoraVideoPage> ListAllPagesAsync(
        ListVideosQuery? query = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        query ??= new ListVideosQuery();
        var after = query.After;
        while (true)
        {
            var page = await ListVideosAsync(new ListVideosQuery { Limit = query.Limit, Order = query.Order, After = after }, cancellationToken)
                .ConfigureAwait(false);
            yield return page;
            if (!page.HasMore)
            {
                yield break;
            }

            // A server that says "more" without moving the cursor would loop forever.
            var next = page.LastId ?? (page.Data.Count > 0 ? page.Data[page.Data.Count - 1].Id : null);
            if (string.IsNullOrEmpty(next) || string.Equals(next, after, StringComparison.Ordinal))
            {
                throw new SoraApiException(
                    HttpStatusCode.OK,
                    $"The server said more jobs follow but gave no new cursor (last id '{next}'). Listing stopped to avoid a loop.",
                    SoraApiException.InvalidResponseType,
                    "cursor_not_advancing",
                    "after",
                    null,
                    "GET",
                    "videos");
            }

            after = next;
        }
    }

    public async Task<SoraVideoDeletion> DeleteVideoAsync(string id, CancellationToken cancellationToken = default) =>
        (await SendJsonAsync(HttpMethod.Delete, VideoPath(id), null, RequestKind.Idempotent, SoraJsonContext.Default.SoraVideoDeletion, cancellationToken)
            .ConfigureAwait(false)).Value;

    public async Task<SoraVideo> RemixVideoAsync(string id, string prompt, CancellationToken cancellationToken = default)
    {
        var path = VideoPath(id) + "/remix";
        var body = new PromptBody { Prompt = InputValidation.Prompt(prompt) };
        return (await SendJsonAsync(HttpMethod.Post, path, () => Json(body, SoraJsonContext.Default.PromptBody), RequestKind.StartsJob, SoraJsonContext.Default.SoraVideo, cancellationToken)
            .ConfigureAwait(false)).Value;
    }

    /// <summary>
    /// Asks for one variant's bytes, from <paramref name="resumeFrom"/> on when given (a Range request
    /// that only holds while the server's ETag still matches). The caller owns the response and streams it.
    /// </summary>
    internal Task<HttpResponseMessage> GetContentAsync(string id, VideoVariant variant, CancellationToken cancellationToken, ResumePoint? resumeFrom = null) =>
        SendAsync(
            HttpMethod.Get,
            VideoPath(id) + "/content?variant=" + VariantName(variant),
            null,
            RequestKind.Idempotent,
            (response, _) => Task.FromResult(response),
            cancellationToken,
            resumeFrom is null ? null : request =>
            {
                request.Headers.Range = new RangeHeaderValue(resumeFrom.Offset, null);
                request.Headers.IfRange = new RangeConditionHeaderValue(EntityTagHeaderValue.Parse(resumeFrom.ETag));
            });

    internal static string VariantName(VideoVariant variant) => variant switch
    {
        VideoVariant.Thumbnail => "thumbnail",
        VideoVariant.Spritesheet => "spritesheet",
        _ => "video",
    };

    /// <summary>An id is a server value: it is escaped so it can never change the path it goes into.</summary>
    internal static string VideoPath(string id) => "videos/" + Uri.EscapeDataString(InputValidation.VideoId(id));

    private Task<ApiResult<T>> SendJsonAsync<T>(
        HttpMethod method, string path, Func<HttpContent>? body, RequestKind kind, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken) =>
        SendAsync(
            method,
            path,
            body,
            kind,
            async (response, attemptToken) =>
            {
                using (response)
                {
                    var bytes = await ReadBodyAsync(response.Content, int.MaxValue, attemptToken).ConfigureAwait(false);
                    return new ApiResult<T>(ParseSuccess(response, bytes, typeInfo, method, path), PollAfter(response), RequestId(response));
                }
            },
            cancellationToken);

    /// <summary>
    /// Sends one logical request: credentials, redirects, retries, timeouts and logging. A successful
    /// answer is handed to <paramref name="complete"/>, which owns the response from then on; reading
    /// its body there is part of the attempt, under the same timeout and retry rules.
    /// </summary>
    private async Task<T> SendAsync<T>(
        HttpMethod method,
        string path,
        Func<HttpContent>? body,
        RequestKind kind,
        Func<HttpResponseMessage, CancellationToken, Task<T>> complete,
        CancellationToken cancellationToken,
        Action<HttpRequestMessage>? prepare = null)
    {
        var target = new Uri(Connection.BaseUri, path);
        var display = method.Method + " " + target.AbsolutePath;
        if (Connection.AccessTokenExpired)
        {
            throw new SoraApiException(null, $"The access token expires at {Connection.AccessTokenExpiresAt:u}. {Connection.RenewTokenAdvice}", "authentication_error", "token_expired", null, null, method.Method, target.AbsolutePath);
        }

        for (var attempt = 1; ; attempt++)
        {
            var clock = Stopwatch.StartNew();

            // Each attempt gets the whole timeout for its answer; a retry starts a new one.
            using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attemptTimeout.CancelAfter(Connection.RequestTimeout);
            HttpResponseMessage? response = null;
            try
            {
                response = await SendFollowingRedirectsAsync(method, target, body, prepare, attemptTimeout.Token).ConfigureAwait(false);
                var requestId = RequestId(response);
                log.Verbose($"{display} -> {(int)response.StatusCode} {response.ReasonPhrase} in {clock.ElapsedMilliseconds} ms"
                    + (requestId is null ? string.Empty : $" (request id {requestId})"));
                if (response.IsSuccessStatusCode)
                {
                    ServerNotices.Check(response, null, null, Connection.BaseUri, method, path, log);
                    var answer = response;
                    response = null;
                    return await complete(answer, attemptTimeout.Token).ConfigureAwait(false);
                }

                var errorBody = await ReadBodyAsync(response.Content, MaxErrorBodyBytes, attemptTimeout.Token).ConfigureAwait(false);
                var error = ParseError(errorBody);
                ServerNotices.Check(response, error?.Code, error?.Param, Connection.BaseUri, method, path, log);
                if (attempt <= Connection.MaxRetries && RetryPolicy.ShouldRetry(response, kind, error?.Code))
                {
                    var wait = RetryPolicy.Delay(response, attempt, jitter);
                    log.Verbose($"{display}: {(int)response.StatusCode} {response.ReasonPhrase}. Retrying in {Seconds(wait)} (retry {attempt} of {Connection.MaxRetries}).");
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var message = error?.Message ?? QuoteBody(response, errorBody);
                if (response.StatusCode == HttpStatusCode.Unauthorized && Connection.HasAccessToken)
                {
                    message = message.TrimEnd() + " " + Connection.RenewTokenAdvice;
                }

                throw new SoraApiException(
                    response.StatusCode,
                    message,
                    error?.Type ?? (error is null ? SoraApiException.InvalidResponseType : null),
                    error?.Code,
                    error?.Param,
                    requestId,
                    method.Method,
                    target.AbsolutePath);
            }
            catch (Exception e) when (TransportFailure.IsTransportFailure(e) || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                var timedOut = e is OperationCanceledException;
                if (attempt <= Connection.MaxRetries && RetryPolicy.ShouldRetry(e, kind, timedOut))
                {
                    var wait = RetryPolicy.Delay(null, attempt, jitter);
                    log.Verbose($"{display}: {Describe(e)}. Retrying in {Seconds(wait)} (retry {attempt} of {Connection.MaxRetries}).");
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var notRetried = kind == RequestKind.StartsJob && attempt <= Connection.MaxRetries
                    ? " Not retried, because the server may have started a job: check Get-SoraVideo before trying again."
                    : string.Empty;
                throw timedOut
                    ? new SoraApiException(null, $"No complete answer within {Seconds(Connection.RequestTimeout)}.{notRetried}", "timeout", null, null, null, method.Method, target.AbsolutePath, e)
                    : new SoraApiException(null, $"No answer from {target.GetLeftPart(UriPartial.Authority)}: {Describe(e)}.{notRetried}", "connection_error", null, null, null, method.Method, target.AbsolutePath, e);
            }
            finally
            {
                response?.Dispose();
            }
        }
    }

    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(
        HttpMethod method, Uri target, Func<HttpContent>? body, Action<HttpRequestMessage>? prepare, CancellationToken cancellationToken)
    {
        var credentialsAllowed = true;
        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(method, target);
            request.Content = body?.Invoke();
            prepare?.Invoke(request);
            ApplyHeaders(request, credentialsAllowed);
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var location = response.Headers.Location;
            if (!IsRedirect(response.StatusCode) || location is null)
            {
                return response;
            }

            response.Dispose();
            var next = location.IsAbsoluteUri ? location : new Uri(target, location);
            if (hop >= MaxRedirects)
            {
                throw new SoraApiException(response.StatusCode, $"More than {MaxRedirects} redirects.", SoraApiException.InvalidResponseType, "too_many_redirects", null, null, method.Method, target.AbsolutePath);
            }

            if (!RedirectPolicy.MayFollow(target, next))
            {
                throw new SoraApiException(response.StatusCode, $"The server redirected from https to {next.Scheme}; the redirect was not followed.", SoraApiException.InvalidResponseType, "insecure_redirect", null, null, method.Method, target.AbsolutePath);
            }

            credentialsAllowed &= RedirectPolicy.KeepsCredentials(next, Connection.BaseUri);
            if (response.StatusCode == HttpStatusCode.SeeOther)
            {
                method = HttpMethod.Get;
                body = null;
            }

            log.Verbose($"Redirected to {next.GetLeftPart(UriPartial.Path)}" + (credentialsAllowed ? string.Empty : " (without credentials: another origin)"));
            target = next;
        }
    }

    private void ApplyHeaders(HttpRequestMessage request, bool credentialsAllowed)
    {
        request.Headers.UserAgent.ParseAdd(UserAgent);
#if NET
        request.Options.Set(SharedHttpClient.ConnectTimeoutKey, Connection.ConnectTimeout);
#endif
        if (credentialsAllowed)
        {
            // Extra headers first, so that they can never replace the credentials set below.
            foreach (var header in Connection.Headers)
            {
                request.Headers.Remove(header.Key);
                request.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            var key = Connection.RevealApiKey();
            if (key is not null && Connection.ApiKeyHeader is { } keyHeader)
            {
                request.Headers.Remove(keyHeader);
                request.Headers.TryAddWithoutValidation(keyHeader, key);
            }
            else if (key is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }

            if (Connection.RevealAccessToken() is { } token)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            if (Connection.Organization is { } organization)
            {
                request.Headers.TryAddWithoutValidation("OpenAI-Organization", organization);
            }

            if (Connection.Project is { } project)
            {
                request.Headers.TryAddWithoutValidation("OpenAI-Project", project);
            }
        }

        if (log.DebugEnabled)
        {
            log.Debug($"{request.Method} {request.RequestUri}" + Environment.NewLine + SecretMask.DescribeHeaders(request.Headers, Connection.ApiKeyHeader));
        }
    }

    private static ByteArrayContent CreateJsonBody(ValidatedCreateVideoRequest valid) =>
        Json(
            new CreateVideoJsonBody
            {
                Prompt = valid.Prompt,
                Model = valid.Model,
                Seconds = valid.Seconds,
                Size = valid.Size,
                InputReference = new ImageReferenceBody { ImageUrl = valid.ImageUri, FileId = valid.FileId },
            },
            SoraJsonContext.Default.CreateVideoJsonBody);

    private static MultipartFormDataContent CreateMultipartBody(ValidatedCreateVideoRequest valid)
    {
        var form = new MultipartFormDataContent();
        AddField(form, "prompt", valid.Prompt);
        AddField(form, "model", valid.Model);
        AddField(form, "seconds", valid.Seconds);
        AddField(form, "size", valid.Size);
        if (valid.ImagePath is not null)
        {
            // Opened per attempt: a retried request sends the file again from its start.
            var file = new StreamContent(new FileStream(valid.ImagePath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true));
            file.Headers.ContentType = new MediaTypeHeaderValue(valid.ImageContentType!);
            file.Headers.ContentDisposition = FormData("input_reference", Path.GetFileName(valid.ImagePath));
            form.Add(file);
        }

        return form;
    }

    private static void AddField(MultipartFormDataContent form, string name, string? value)
    {
        if (value is null)
        {
            return;
        }

        var part = new ByteArrayContent(Encoding.UTF8.GetBytes(value));
        part.Headers.ContentDisposition = FormData(name, null);
        form.Add(part);
    }

    /// <summary>Quoted name and filename: .NET leaves them bare, and some servers reject bare values.</summary>
    private static ContentDispositionHeaderValue FormData(string name, string? fileName)
    {
        var disposition = new ContentDispositionHeaderValue("form-data") { Name = Quote(name) };
        if (fileName is not null)
        {
            disposition.FileName = Quote(fileName);
        }

        return disposition;
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static ByteArrayContent Json<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private static T ParseSuccess<T>(HttpResponseMessage response, byte[] bytes, JsonTypeInfo<T> typeInfo, HttpMethod method, string path)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var looksLikeJson = mediaType is null || mediaType.IndexOf("json", StringComparison.OrdinalIgnoreCase) >= 0;
        if (looksLikeJson)
        {
            try
            {
                var value = JsonSerializer.Deserialize(bytes, typeInfo);
                if (value is not null)
                {
                    return value;
                }
            }
            catch (JsonException)
            {
                // Reported below with the start of the body.
            }
        }

        throw new SoraApiException(
            response.StatusCode,
            $"The server's answer is not the expected JSON ({mediaType ?? "no content type"}): {QuoteBody(response, bytes)}",
            SoraApiException.InvalidResponseType,
            "invalid_json",
            null,
            RequestId(response),
            method.Method,
            new Uri(response.RequestMessage?.RequestUri ?? new Uri("http://unknown/"), path).AbsolutePath);
    }

    private static ApiErrorBody? ParseError(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(bytes, SoraJsonContext.Default.ApiErrorEnvelope)?.Error;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string QuoteBody(HttpResponseMessage response, byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return $"empty body with status {(int)response.StatusCode}.";
        }

        var text = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, QuotedBodyChars * 4));
        text = new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
        return "\"" + (text.Length > QuotedBodyChars ? text.Substring(0, QuotedBodyChars) + "..." : text) + "\"";
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
#if NET
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
#else
        var stream = await content.ReadAsStreamAsync().ConfigureAwait(false);
#endif
        using (stream)
        {
            // One allocation of the announced size; a growing buffer only when the length is unknown.
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

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or (HttpStatusCode)308;

    internal static string? RequestId(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-request-id", out var values) ? values.FirstOrDefault() : null;

    private static TimeSpan? PollAfter(HttpResponseMessage response) =>
        response.Headers.TryGetValues("openai-poll-after-ms", out var values)
            && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0
            ? TimeSpan.FromMilliseconds(ms)
            : null;

    private static string Describe(Exception e) => e is OperationCanceledException ? "the request timed out" : e.GetBaseException().Message.TrimEnd('.');

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}

/// <summary>A parsed answer with the headers that matter to the caller.</summary>
internal readonly struct ApiResult<T>
{
    public ApiResult(T value, TimeSpan? pollAfter, string? requestId)
    {
        Value = value;
        PollAfter = pollAfter;
        RequestId = requestId;
    }

    public T Value { get; }

    public TimeSpan? PollAfter { get; }

    public string? RequestId { get; }
}
