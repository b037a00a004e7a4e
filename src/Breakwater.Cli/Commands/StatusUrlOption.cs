using Breakwater.Gateway;

namespace Breakwater.Cli.Commands;

/// <summary>
/// <c>serve --status-url</c>: the Statuspage v2 page the gateway's monitor reads (<c>Breakwater:StatusPage:BaseUrl</c>,
/// and it turns <c>Breakwater:StatusPage:Enabled</c> on). Takes the page's base address (<c>https://status.claude.com</c>,
/// <c>http://127.0.0.1:8530</c> for <c>breakwater simulate</c>) or the address of one of its documents
/// (<c>…/api/v2/summary.json</c>), which is cut back to the base the monitor reads <c>api/v2/summary.json</c> from.
/// </summary>
internal static class StatusUrlOption
{
    private const string ApiSegment = "/api/v2/";

    /// <summary>The base address for <paramref name="value"/>, or <c>null</c> with a message when it is no absolute http(s) URL.</summary>
    public static Uri? Parse(string value, out string? error)
    {
        error = null;
        if (!Uri.TryCreate(value?.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
        {
            error = $"--status-url must be an absolute http or https URL, e.g. https://status.claude.com (is '{value}').";
            return null;
        }

        var path = uri.AbsolutePath;
        var api = path.IndexOf(ApiSegment, StringComparison.OrdinalIgnoreCase);
        if (api >= 0 && path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            path = path[..(api + 1)];
        }

        var builder = new UriBuilder(uri) { Path = path.EndsWith('/') ? path : path + "/", Query = "", Fragment = "" };
        return builder.Uri;
    }

    /// <summary>Points the gateway's status-page monitor at <paramref name="value"/> (already validated), on.</summary>
    public static void Apply(string? value, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (value is null || Parse(value, out _) is not { } url)
        {
            return;
        }

        options.StatusPage.Enabled = true;
        options.StatusPage.BaseUrl = url;
    }
}
