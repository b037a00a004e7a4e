namespace Breakwater.Gateway.Features.Proxy;

/// <summary>Which HTTP version the gateway speaks to its upstream.</summary>
public enum UpstreamHttpVersion
{
    /// <summary>
    /// HTTP/2 over TLS when the upstream offers it (negotiated with ALPN, HTTP/1.1 otherwise); HTTP/1.1 to a plain
    /// <c>http://</c> upstream. The default.
    /// </summary>
    Auto = 0,

    /// <summary>HTTP/1.1 always: each open stream holds a connection of its own.</summary>
    Http11,

    /// <summary>
    /// HTTP/2 only: negotiated over TLS, and over plain <c>http://</c> with prior knowledge (h2c), which the upstream
    /// must support (a request to an HTTP/1.1-only upstream fails).
    /// </summary>
    Http2,
}
