using System.Net.Sockets;
using System.Security.Authentication;

namespace Breakwater.Cli.Doctor;

/// <summary>Names what kind of "no response" an exception means, for people: dns, connection refused, tls, timeout, connection.</summary>
internal static class NetworkErrorNames
{
    public static string Describe(Exception exception, bool timedOut)
    {
        if (timedOut)
        {
            return "timeout";
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData or SocketError.NoRecovery }:
                    return "dns";
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return "connection refused";
                case SocketException { SocketErrorCode: SocketError.TimedOut }:
                    return "timeout";
                case AuthenticationException:
                    return "tls";
                case HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError }:
                    return "dns";
                case HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError }:
                    return "tls";
            }
        }

        return "connection";
    }
}
