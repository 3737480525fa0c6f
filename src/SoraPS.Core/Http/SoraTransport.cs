using System;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;

namespace SoraPS.Core.Http;

/// <summary>
/// Sends one logical request: credentials and headers, redirects, retries, timeouts and logging. What
/// an answer means is <see cref="ResponseReader"/>'s business; which requests exist is <see cref="SoraClient"/>'s.
/// </summary>
internal sealed class SoraTransport
{
    private const int MaxRedirects = 5;

    private static readonly string UserAgent =
        "SoraPS/" + (typeof(SoraTransport).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    private readonly HttpClient http;
    private readonly ISoraDiagnostics log;
    private readonly Random jitter = new();

    public SoraTransport(SoraConnection connection, ISoraDiagnostics log, HttpClient http)
    {
        Connection = connection;
        this.log = log;
        this.http = http;
    }

    public SoraConnection Connection { get; }

    /// <summary>
    /// Sends <paramref name="request"/>. A successful answer is handed to <paramref name="complete"/>, which
    /// owns the response from then on; reading its body there is part of the attempt, under the same
    /// timeout and retry rules. An error answer becomes a <see cref="SoraApiException"/>.
    /// </summary>
    public async Task<T> SendAsync<T>(ApiRequest request, Func<HttpResponseMessage, Uri, CancellationToken, Task<T>> complete, CancellationToken cancellationToken)
    {
        var target = new Uri(Connection.BaseUri, request.Path);
        var display = request.Method.Method + " " + target.AbsolutePath;
        if (Connection.AccessTokenExpired)
        {
            throw new SoraApiException(null, $"The access token expires at {Connection.AccessTokenExpiresAt:u}. {Connection.RenewTokenAdvice}", "authentication_error", "token_expired", null, null, request.Method.Method, target.AbsolutePath);
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
                response = await SendFollowingRedirectsAsync(request, target, attemptTimeout.Token).ConfigureAwait(false);
                var requestId = ResponseReader.RequestId(response);
                log.Verbose($"{display} -> {(int)response.StatusCode} {response.ReasonPhrase} in {clock.ElapsedMilliseconds} ms"
                    + (requestId is null ? string.Empty : $" (request id {requestId})"));
                if (response.IsSuccessStatusCode)
                {
                    ServerNotices.Check(response, null, null, Connection.BaseUri, request.Method, request.Path, log);
                    var answer = response;
                    response = null;
                    return await complete(answer, target, attemptTimeout.Token).ConfigureAwait(false);
                }

                var body = await ResponseReader.ReadBodyAsync(response.Content, ResponseReader.MaxErrorBodyBytes, attemptTimeout.Token).ConfigureAwait(false);
                var error = ResponseReader.ReadError(response, body);
                ServerNotices.Check(response, error.Code, error.Param, Connection.BaseUri, request.Method, request.Path, log);
                if (attempt <= Connection.MaxRetries
                    && !ResponseReader.MeansNotOffered(response.StatusCode, error, request.Operation)
                    && RetryPolicy.ShouldRetry(response, request.Kind, error.Code))
                {
                    var wait = RetryPolicy.Delay(response, attempt, jitter);
                    log.Verbose($"{display}: {(int)response.StatusCode} {response.ReasonPhrase}. Retrying in {Seconds(wait)} (retry {attempt} of {Connection.MaxRetries}).");
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                throw ResponseReader.Failure(response, error, request, target, Connection);
            }
            catch (Exception e) when (TransportFailure.IsTransportFailure(e) || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                var timedOut = e is OperationCanceledException;
                if (attempt <= Connection.MaxRetries && RetryPolicy.ShouldRetry(e, request.Kind, timedOut))
                {
                    var wait = RetryPolicy.Delay(null, attempt, jitter);
                    log.Verbose($"{display}: {Describe(e)}. Retrying in {Seconds(wait)} (retry {attempt} of {Connection.MaxRetries}).");
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var notRetried = request.Kind == RequestKind.StartsJob && attempt <= Connection.MaxRetries
                    ? " Not retried, because the server may have started a job: check Get-SoraVideo before trying again."
                    : string.Empty;
                throw timedOut
                    ? new SoraApiException(null, $"No complete answer within {Seconds(Connection.RequestTimeout)}.{notRetried}", "timeout", null, null, null, request.Method.Method, target.AbsolutePath, e)
                    : new SoraApiException(null, $"No answer from {target.GetLeftPart(UriPartial.Authority)}: {Describe(e)}.{notRetried}", "connection_error", null, null, null, request.Method.Method, target.AbsolutePath, e);
            }
            finally
            {
                response?.Dispose();
            }
        }
    }

    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(ApiRequest request, Uri target, CancellationToken cancellationToken)
    {
        var method = request.Method;
        var body = request.Body;
        var credentialsAllowed = true;
        for (var hop = 0; ; hop++)
        {
            using var message = new HttpRequestMessage(method, target);
            message.Content = body?.Invoke();
            request.Prepare?.Invoke(message);
            ApplyHeaders(message, credentialsAllowed);
            var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
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

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or (HttpStatusCode)308;

    private static string Describe(Exception e) => e is OperationCanceledException ? "the request timed out" : e.GetBaseException().Message.TrimEnd('.');

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}
