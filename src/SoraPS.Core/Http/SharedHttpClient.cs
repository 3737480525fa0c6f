using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace SoraPS.Core.Http;

/// <summary>
/// One HttpClient for the process, so connections are pooled across cmdlets and runspaces. It holds no
/// credentials and no per-user settings: those go on each request. Redirects are followed by
/// <see cref="SoraClient"/> itself, which decides whether credentials may follow them.
/// </summary>
internal static class SharedHttpClient
{
#if NET
    /// <summary>Carries the connection's connect timeout to the connect callback, per request.</summary>
    public static readonly HttpRequestOptionsKey<TimeSpan> ConnectTimeoutKey = new("SoraPS.ConnectTimeout");
#endif

    private static readonly Lazy<HttpClient> Client = new(Create);

    public static HttpClient Instance => Client.Value;

    private static HttpClient Create()
    {
#if NET
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            // The callback applies each connection's own connect timeout; this is only an outer bound.
            ConnectTimeout = TimeSpan.FromMinutes(10),
            ConnectCallback = ConnectAsync,
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
        return new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

#if NET
    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var timeout = context.InitialRequestMessage.Options.TryGetValue(ConnectTimeoutKey, out var value)
            ? value
            : SoraConnectionOptions.DefaultConnectTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, deadline.Token).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new HttpRequestException(
                HttpRequestError.ConnectionError,
                $"No connection to {context.DnsEndPoint.Host}:{context.DnsEndPoint.Port} within {timeout.TotalSeconds:0.#} s");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
#endif
}
