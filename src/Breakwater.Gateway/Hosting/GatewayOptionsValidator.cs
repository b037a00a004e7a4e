using System.Net;
using Breakwater.Gateway.Features.Auth;

namespace Breakwater.Gateway.Hosting;

/// <summary>Checks every gateway setting at once, so a bad configuration is reported in one message, not one at a time.</summary>
internal static class GatewayOptionsValidator
{
    public static List<string> Validate(GatewayOptions options)
    {
        var problems = new List<string>();
        OptionsProblems.AddAnnotations(options, "", problems);

        if (!string.IsNullOrWhiteSpace(options.ListenAddress) && TryParseListenAddress(options.ListenAddress) is null)
        {
            problems.Add($"ListenAddress must be an IP address or 'localhost' (is '{options.ListenAddress}').");
        }

        if (!string.IsNullOrWhiteSpace(options.Upstream))
        {
            if (!Uri.TryCreate(options.Upstream, UriKind.Absolute, out var upstream) || (upstream.Scheme != Uri.UriSchemeHttp && upstream.Scheme != Uri.UriSchemeHttps))
            {
                problems.Add($"Upstream must be an absolute http or https URL (is '{options.Upstream}').");
            }
            else if (!string.IsNullOrEmpty(upstream.Query) || !string.IsNullOrEmpty(upstream.Fragment) || !string.IsNullOrEmpty(upstream.UserInfo))
            {
                problems.Add("Upstream must not carry a query, fragment or user info.");
            }
        }

        Positive(problems, nameof(GatewayOptions.ConnectTimeout), options.ConnectTimeout);
        Positive(problems, nameof(GatewayOptions.PooledConnectionLifetime), options.PooledConnectionLifetime);
        NotNegative(problems, nameof(GatewayOptions.ClientRetryWindow), options.ClientRetryWindow);
        NotNegative(problems, nameof(GatewayOptions.ForwardConnectRetryDelay), options.ForwardConnectRetryDelay);
        Positive(problems, nameof(GatewayOptions.ForwardTimeout), options.ForwardTimeout);
        NotNegative(problems, nameof(GatewayOptions.StreamKeepAlive), options.StreamKeepAlive);

        if (options.Auth is { Mode: GatewayAuthMode.Managed } auth)
        {
            if (auth.GatewayKeys.Count == 0)
            {
                problems.Add("Auth:GatewayKeys must list at least one key in Managed mode.");
            }
            else if (auth.GatewayKeys.Any(string.IsNullOrWhiteSpace))
            {
                problems.Add("Auth:GatewayKeys must not contain empty keys.");
            }

            if (string.IsNullOrWhiteSpace(auth.UpstreamApiKey))
            {
                problems.Add("Auth:UpstreamApiKey is required in Managed mode.");
            }
        }

        if (options.Breakwater is not null)
        {
            problems.AddRange(options.Breakwater.Validate());
        }

        return problems;
    }

    /// <summary>The address to bind, or <c>null</c> when the text is neither an IP address nor <c>localhost</c>.</summary>
    public static IPAddress? TryParseListenAddress(string text) =>
        string.Equals(text, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
        : IPAddress.TryParse(text, out var ip) ? ip
        : null;

    private static void Positive(List<string> problems, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add($"{name} must be positive (is {value}).");
        }
    }

    private static void NotNegative(List<string> problems, string name, TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            problems.Add($"{name} must not be negative (is {value}).");
        }
    }
}
