using Breakwater.Anthropic;
using Microsoft.Extensions.Primitives;

namespace Breakwater.Gateway.Features.Proxy;

/// <summary>Which headers cross the gateway. Hop-by-hop headers describe one connection and never travel on (RFC 9110 §7.6.1).</summary>
internal static class HeaderRules
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
        "te", "trailer", "transfer-encoding", "upgrade",
    };

    // Set by the gateway's own client or meaningless past it.
    private static readonly HashSet<string> RequestOnlyDropped = new(StringComparer.OrdinalIgnoreCase)
    {
        "host", "content-length", "expect",
    };

    // Alt-Svc would point clients at the upstream's HTTP/3 endpoint on the gateway's host.
    private static readonly HashSet<string> ResponseOnlyDropped = new(StringComparer.OrdinalIgnoreCase)
    {
        "alt-svc",
    };

    public static bool IsHopByHop(string name) => HopByHop.Contains(name);

    /// <summary>Whether a request header goes upstream.</summary>
    public static bool ForwardRequestHeader(string name, StringValues connectionTokens, bool managedAuth)
    {
        if (HopByHop.Contains(name) || RequestOnlyDropped.Contains(name) || IsListedIn(connectionTokens, name))
        {
            return false;
        }

        if (managedAuth && (name.Equals(AnthropicHeaders.ApiKey, StringComparison.OrdinalIgnoreCase) || name.Equals(AnthropicHeaders.Authorization, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        return true;
    }

    /// <summary>Whether a response header goes back to the client.</summary>
    public static bool ForwardResponseHeader(string name, IEnumerable<string>? connectionTokens) =>
        !HopByHop.Contains(name) && !ResponseOnlyDropped.Contains(name) && !IsListedIn(connectionTokens, name);

    private static bool IsListedIn(IEnumerable<string>? connectionValues, string name)
    {
        if (connectionValues is null)
        {
            return false;
        }

        foreach (var value in connectionValues)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            foreach (var token in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (token.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
