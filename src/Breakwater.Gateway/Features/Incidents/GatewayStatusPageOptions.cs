using System.ComponentModel.DataAnnotations;
using Breakwater.Status;

namespace Breakwater.Gateway.Features.Incidents;

/// <summary>
/// The status page the gateway watches (section <c>Breakwater:StatusPage</c>). While it shows an open incident, failed
/// responses carry <c>breakwater-incident: &lt;link&gt;</c> and the dashboard shows it. On by default in the gateway;
/// no request ever waits on the status page.
/// </summary>
public sealed class GatewayStatusPageOptions
{
    /// <summary>Whether the status page is polled. Default <c>true</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Base address of a Statuspage v2 page. Default <c>https://status.claude.com</c>.</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("https://status.claude.com");

    /// <summary>How often the page is polled. Default 60 s; at least 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "1.00:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Timeout of one fetch. Default 3 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(3);

    internal StatusPageOptions ToStatusPageOptions() => new() { BaseUrl = BaseUrl, PollInterval = PollInterval, Timeout = Timeout };
}
