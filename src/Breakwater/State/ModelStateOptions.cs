using System.ComponentModel.DataAnnotations;

namespace Breakwater.State;

/// <summary>
/// Bounds on what a client keeps per model (breaker, adaptive limit, throttle) and on the model names its metrics carry,
/// so that callers naming many distinct models cannot grow memory or a scrape without limit.
/// </summary>
public sealed class ModelStateOptions
{
    /// <summary>
    /// The most models a client keeps state for. When a new model would exceed it, the least recently used models
    /// with no call in flight or queued are dropped (those with a closed breaker first) until a tenth of the room is
    /// free again; a dropped model starts afresh when next used. Default 1,000.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxModels { get; set; } = 1000;

    /// <summary>
    /// A model unused this long, with no call in flight or queued and its breaker closed, is dropped when the client
    /// next sees a model it had no state for (measured on the client's <see cref="TimeProvider"/>).
    /// <see cref="TimeSpan.Zero"/>: never by age, only by <see cref="MaxModels"/>. Default 1 hour.
    /// </summary>
    public TimeSpan IdleExpiry { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The most distinct model names a client's metrics carry in their <c>model</c> tag (fallback models first);
    /// past it a model is counted as <c>model="other"</c> and has no gauges of its own. Default 100.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxMetricModels { get; set; } = 100;
}
