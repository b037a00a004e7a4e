using System.ComponentModel.DataAnnotations;

namespace Breakwater.Status;

/// <summary>Where and how often to read a Statuspage v2 status page (Anthropic's by default).</summary>
public sealed class StatusPageOptions
{
    /// <summary>The smallest cache duration accepted: a status page is never asked more than twice a minute.</summary>
    public static readonly TimeSpan MinimumCacheDuration = TimeSpan.FromSeconds(30);

    /// <summary>Base address of the status page. Default <c>https://status.claude.com</c>.</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("https://status.claude.com");

    /// <summary>How long a fetched document (or a failure) is reused. Default 30 s; values below 30 s read as 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "1.00:00:00")]
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one fetch. Default 3 s: a slow status page must never hold anything up.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often <see cref="StatusPageMonitor"/> polls. Default 60 s.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "1.00:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The component whose status is reported as the API's: the first whose name contains this text (case-insensitive). Default <c>API</c>.</summary>
    [Required]
    public string ApiComponentName { get; set; } = "API";

    /// <summary>The largest document read, in bytes; anything longer reads as malformed. Default 2 MiB.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxDocumentBytes { get; set; } = 2 * 1024 * 1024;

    internal TimeSpan EffectiveCacheDuration => CacheDuration < MinimumCacheDuration ? MinimumCacheDuration : CacheDuration;
}
