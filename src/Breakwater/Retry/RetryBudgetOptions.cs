using System.ComponentModel.DataAnnotations;

namespace Breakwater.Retry;

/// <summary>
/// A retry budget shared by all calls of one client: over a sliding window, retries may not exceed
/// <c>MinRetries + Ratio × first attempts</c>. A platform-wide storm therefore never multiplies load.
/// </summary>
public sealed class RetryBudgetOptions
{
    /// <summary>Whether the budget applies. Default <c>true</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Retries allowed per first attempt. Default 0.1.</summary>
    [Range(0.0, 10.0)]
    public double Ratio { get; set; } = 0.1;

    /// <summary>Retries always allowed per window, so that a quiet client can still retry. Default 10.</summary>
    [Range(0, 1_000_000)]
    public int MinRetries { get; set; } = 10;

    /// <summary>The sliding window. Default 10 s.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);
}
