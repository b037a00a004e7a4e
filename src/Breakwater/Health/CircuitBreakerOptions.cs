using System.ComponentModel.DataAnnotations;

namespace Breakwater.Health;

/// <summary>
/// A circuit breaker per (client, model), on Polly. Only overload signals count as failures: a 429 is quota (per key,
/// not per model) and never opens it. While open, calls skip to the next model of their chain or fail fast.
/// </summary>
public sealed class CircuitBreakerOptions
{
    /// <summary>Whether breakers are used. Default <c>true</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Overload share of attempts in the sampling window that opens the breaker. Default 0.5.</summary>
    [Range(0.01, 1.0)]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Attempts needed in the window before the ratio is judged. Default 10.</summary>
    [Range(2, 100_000)]
    public int MinimumThroughput { get; set; } = 10;

    /// <summary>The sampling window. Default 10 s.</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the breaker stays open before a half-open probe. Default 10 s.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(10);
}
