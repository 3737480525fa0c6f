using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace SoraPS.Core.Http;

/// <summary>Tells a connection that never carried the request from one that broke after sending it.</summary>
internal static class TransportFailure
{
    public static bool IsTransportFailure(Exception e) => e is HttpRequestException or IOException or SocketException;

    /// <summary>
    /// True only when the request surely did not reach the server: the name did not resolve or the
    /// connection was refused or never established. A reset after sending is not such a case.
    /// </summary>
    public static bool FailedBeforeSending(Exception e)
    {
#if NET
        if (e is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError })
        {
            return true;
        }
#endif
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket
                && socket.SocketErrorCode is SocketError.ConnectionRefused or SocketError.HostNotFound
                    or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.TryAgain)
            {
                return true;
            }

            if (inner is WebException web
                && web.Status is WebExceptionStatus.ConnectFailure or WebExceptionStatus.NameResolutionFailure)
            {
                return true;
            }
        }

        return false;
    }
}
