using System;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;

namespace SoraPS.Core.Http;

/// <summary>How a request may be repeated. A request that starts a job bills money, so it is repeated
/// only where the server surely did not start one.</summary>
internal enum RequestKind
{
    /// <summary>GET and DELETE: safe to repeat.</summary>
    Idempotent,

    /// <summary>Create, remix, edit, extend: a repeat could start a second billed job.</summary>
    StartsJob,
}

/// <summary>
/// The official SDKs' retry rules (408/409/429/5xx and connection errors, x-should-retry, retry-after-ms,
/// retry-after, exponential backoff from 0.5 s to 8 s with up to 25% jitter), narrowed for requests
/// that start jobs.
/// </summary>
internal static class RetryPolicy
{
    private static readonly TimeSpan InitialBackoff = TimeSpan.FromSeconds(0.5);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan MaxServerDelay = TimeSpan.FromSeconds(60);

    /// <summary>Whether an answer with this status may be retried.</summary>
    public static bool ShouldRetry(HttpResponseMessage response, RequestKind kind, string? errorCode)
    {
        if (string.Equals(errorCode, "insufficient_quota", StringComparison.OrdinalIgnoreCase))
        {
            return false; // spent quota: no wait fixes it
        }

        var hint = ShouldRetryHeader(response);
        if (hint is not null)
        {
            return hint.Value;
        }

        var status = (int)response.StatusCode;
        if (kind == RequestKind.StartsJob)
        {
            // A 429 and a 503 mean the request was turned away before any work started.
            return status == 429 || status == (int)HttpStatusCode.ServiceUnavailable;
        }

        return status == 408 || status == 409 || status == 429 || status >= 500;
    }

    /// <summary>Whether a failure with no answer may be retried.</summary>
    public static bool ShouldRetry(Exception failure, RequestKind kind, bool timedOut) =>
        kind == RequestKind.Idempotent || (!timedOut && TransportFailure.FailedBeforeSending(failure));

    /// <summary>The wait before attempt number <paramref name="retry"/> (1 for the first retry).</summary>
    public static TimeSpan Delay(HttpResponseMessage? response, int retry, Random random)
    {
        var fromServer = response is null ? null : ServerDelay(response.Headers, DateTimeOffset.UtcNow);
        if (fromServer is { } serverDelay && serverDelay > TimeSpan.Zero && serverDelay <= MaxServerDelay)
        {
            return serverDelay;
        }

        var backoff = Math.Min(MaxBackoff.TotalSeconds, InitialBackoff.TotalSeconds * Math.Pow(2, retry - 1));
        var jitter = 1 - (0.25 * random.NextDouble());
        return TimeSpan.FromSeconds(backoff * jitter);
    }

    /// <summary>retry-after-ms first (milliseconds), then retry-after (seconds or an HTTP date).</summary>
    internal static TimeSpan? ServerDelay(HttpResponseHeaders headers, DateTimeOffset now)
    {
        if (headers.TryGetValues("retry-after-ms", out var msValues)
            && double.TryParse(First(msValues), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms))
        {
            return TimeSpan.FromMilliseconds(ms);
        }

        if (!headers.TryGetValues("retry-after", out var values))
        {
            return null;
        }

        var text = First(values);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (DateTimeOffset.TryParseExact(text, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            return date - now;
        }

        return null;
    }

    private static bool? ShouldRetryHeader(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("x-should-retry", out var values))
        {
            return null;
        }

        var text = First(values);
        return string.Equals(text, "true", StringComparison.OrdinalIgnoreCase) ? true
            : string.Equals(text, "false", StringComparison.OrdinalIgnoreCase) ? false
            : null;
    }

    private static string? First(System.Collections.Generic.IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            return value?.Trim();
        }

        return null;
    }
}
