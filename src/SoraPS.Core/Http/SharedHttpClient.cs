using System;
using System.Net;
using System.Net.Http;

namespace SoraPS.Core.Http;

/// <summary>
/// One HttpClient for the process, so connections are pooled across cmdlets and runspaces. It holds no
/// credentials and no per-user settings: those go on each request. Redirects are followed by
/// <see cref="SoraClient"/> itself, which decides whether credentials may follow them.
/// </summary>
internal static class SharedHttpClient
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    private static readonly Lazy<HttpClient> Client = new(Create);

    public static HttpClient Instance => Client.Value;

    private static HttpClient Create()
    {
#if NET
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            ConnectTimeout = ConnectTimeout,
            // DNS changes (gateway fail-over) are picked up without restarting a long-lived runbook.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            UseCookies = false,
        };
#else
        var handler = new HttpClientHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            UseCookies = false,
        };
#endif
        // Timeouts are per request (JSON calls) or per read (downloads), never one total for the client.
        return new HttpClient(handler, disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }
}
