using Breakwater.Anthropic;
using System.Net.Http.Headers;
using Microsoft.Extensions.Primitives;

namespace Breakwater.Gateway.Features.Proxy;

/// <summary>Which headers cross the gateway: never hop-by-hop ones (<see cref="HopHeaders"/>), nor those a <c>Connection</c> header names.</summary>
internal static class HeaderRules
{
    // Alt-Svc would point clients at the upstream's HTTP/3 endpoint on the gateway's host.
    private static readonly HashSet<string> ResponseOnlyDropped = new(StringComparer.OrdinalIgnoreCase)
    {
        "alt-svc",
    };

    public static bool IsHopByHop(string name) => HopHeaders.IsHopByHop(name);

    /// <summary>Whether a request header goes upstream.</summary>
    public static bool ForwardRequestHeader(string name, StringValues connectionTokens, bool managedAuth)
    {
        if (HopHeaders.StaysOnRequestHop(name) || IsListedIn(connectionTokens, name))
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
        if (HopHeaders.IsHopByHop(name) || ResponseOnlyDropped.Contains(name))
        {
            return false;
        }

        foreach (var value in connectionTokens)
        {
            if (HopHeaders.HasToken(value, name))
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
            if (HopHeaders.HasToken(value, name))
            {
                return true;
            }
        }

        return false;
    }
}
