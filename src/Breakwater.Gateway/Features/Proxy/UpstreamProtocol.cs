using System.Net;

namespace Breakwater.Gateway.Features.Proxy;

/// <summary>The version and version policy every upstream request is sent with, from the upstream's scheme and <see cref="UpstreamHttpVersion"/>.</summary>
internal readonly record struct UpstreamProtocol(Version Version, HttpVersionPolicy Policy)
{
    public static UpstreamProtocol For(Uri upstream, UpstreamHttpVersion setting)
    {
        var tls = upstream.Scheme == Uri.UriSchemeHttps;
        return setting switch
        {
            // Over TLS, ALPN offers h2 and http/1.1 and the upstream picks; plain http cannot negotiate, so it stays 1.1.
            UpstreamHttpVersion.Auto when tls => new(HttpVersion.Version20, HttpVersionPolicy.RequestVersionOrLower),
            UpstreamHttpVersion.Http2 => new(HttpVersion.Version20, HttpVersionPolicy.RequestVersionExact),
            _ => new(HttpVersion.Version11, HttpVersionPolicy.RequestVersionOrLower),
        };
    }

    /// <summary>Whether a stream may hold an upstream connection of its own (HTTP/1.1), so that a connection cap also caps open streams.</summary>
    public bool MayUseHttp11 => Policy != HttpVersionPolicy.RequestVersionExact || Version < HttpVersion.Version20;
}
