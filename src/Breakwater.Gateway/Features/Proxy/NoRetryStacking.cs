using System.Net.Http.Headers;
using Breakwater.Anthropic;

namespace Breakwater.Gateway.Features.Proxy;

/// <summary>
/// Clients behind the gateway keep their own retries (Claude Code up to 10, the SDKs 2). Once the pipeline has given
/// up, a client retry would multiply the load the gateway just decided not to add, so the answer says
/// <c>x-should-retry: false</c>, which the official SDKs obey. A 429 with <c>retry-after</c> is the exception:
/// waiting exactly that long is the right thing for the client to do, so it keeps its headers as they are.
/// </summary>
internal static class NoRetryStacking
{
    /// <summary>The <c>x-should-retry</c> value to send, or <c>null</c> to leave the upstream's headers alone.</summary>
    public static string? ShouldRetryOverride(int status, HttpResponseHeaders headers)
    {
        if (!headers.Contains(BreakwaterHeaders.GiveUp) || !IsClientRetryable(status))
        {
            return null;
        }

        if (status == 429 && (headers.Contains(AnthropicHeaders.RetryAfter) || headers.Contains(AnthropicHeaders.RetryAfterMs)))
        {
            return null;
        }

        return "false";
    }

    /// <summary>What the official SDKs retry on their own: 408, 409, 429 and every 5xx.</summary>
    public static bool IsClientRetryable(int status) => status is 408 or 409 or 429 or >= 500;
}
