using System.ComponentModel.DataAnnotations;

namespace Breakwater.Health;

/// <summary>
/// Client-side adaptive throttling (Google SRE book, "Handling Overload"): during a sustained storm a share of calls is
/// rejected locally with probability <c>max(0, (requests − K × accepts) / (requests + 1))</c>, so that many callers'
/// retries cannot hold the upstream in a metastable overload after the trigger is gone.
/// </summary>
public sealed class ThrottleOptions
{
    /// <summary>Whether throttling is used. Default <c>true</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The multiplier K: higher is more permissive. Default 2.</summary>
    [Range(1.0, 100.0)]
    public double K { get; set; } = 2.0;

    /// <summary>Requests in the window below which nothing is rejected (the formula needs volume to mean anything). Default 20.</summary>
    [Range(0, 1_000_000)]
    public int MinimumRequests { get; set; } = 20;

    /// <summary>The window over which requests and accepts are counted. Default 60 s.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(60);
}
