using Breakwater.Anthropic;
using System.Net.Http.Headers;
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

    /// <summary>Whether a response header goes back to the client; <paramref name="connectionTokens"/> are the raw values of its <c>Connection</c> header (no allocation per header).</summary>
    public static bool ForwardResponseHeader(string name, HeaderStringValues connectionTokens)
    {
        if (HopByHop.Contains(name) || ResponseOnlyDropped.Contains(name))
        {
            return false;
        }

        foreach (var value in connectionTokens)
        {
            if (HasToken(value, name))
            {
                return false;
            }
        }

        return true;
    }

    // Typed as StringValues, not IEnumerable<string>: the interface would box the struct once per header per request.
    private static bool IsListedIn(StringValues connectionValues, string name)
    {
        foreach (var value in connectionValues)
        {
            if (HasToken(value, name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a comma-separated list (a <c>Connection</c> header value) names <paramref name="name"/>.</summary>
    private static bool HasToken(string? list, string name)
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
