using System.Collections.Frozen;

namespace Breakwater.Anthropic;

/// <summary>
/// The one list of headers that describe a connection rather than a request (RFC 9110 §7.6.1), shared by the
/// gateway's proxy and the library's stored job requests: they never travel past the hop they arrived on.
/// </summary>
internal static class HopHeaders
{
    private static readonly FrozenSet<string> HopByHop = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
        "te", "trailer", "transfer-encoding", "upgrade");

    // Set again by whichever client sends the request on, or meaningless past this hop.
    private static readonly FrozenSet<string> RequestFraming = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "host", "content-length", "expect");

    /// <summary>Whether <paramref name="name"/> is a hop-by-hop header.</summary>
    public static bool IsHopByHop(string name) => HopByHop.Contains(name);

    /// <summary>Whether a request header stays behind when the request is sent on: hop-by-hop, or framing (host, length, expect).</summary>
    public static bool StaysOnRequestHop(string name) => HopByHop.Contains(name) || RequestFraming.Contains(name);

    /// <summary>Whether a comma-separated list (a <c>Connection</c> header value) names <paramref name="name"/>.</summary>
    public static bool HasToken(string? list, string name)
    {
        if (string.IsNullOrEmpty(list))
        {
            return false;
        }

        foreach (var range in list.AsSpan().Split(','))
        {
            if (list.AsSpan(range).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
