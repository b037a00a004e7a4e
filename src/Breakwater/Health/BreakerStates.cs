using Polly.CircuitBreaker;

namespace Breakwater.Health;

/// <summary>Polly's circuit state as a <see cref="BreakerState"/>, and its wire names (<c>closed</c>, <c>open</c>, <c>half-open</c>, <c>isolated</c>).</summary>
internal static class BreakerStates
{
    public static BreakerState From(CircuitState state) => state switch
    {
        CircuitState.Open => BreakerState.Open,
        CircuitState.HalfOpen => BreakerState.HalfOpen,
        CircuitState.Isolated => BreakerState.Isolated,
        _ => BreakerState.Closed,
    };

    public static string ToWire(BreakerState state) => state switch
    {
        BreakerState.Open => "open",
        BreakerState.HalfOpen => "half-open",
        BreakerState.Isolated => "isolated",
        _ => "closed",
    };

    /// <summary>
    /// The state <paramref name="wire"/> names (exactly, as <see cref="ToWire"/> writes it). Any other text reads as
    /// <see cref="BreakerState.Open"/>: a breaker not known to be closed is not counted on.
    /// </summary>
    public static BreakerState FromWire(string? wire) => wire switch
    {
        "closed" => BreakerState.Closed,
        "half-open" => BreakerState.HalfOpen,
        "isolated" => BreakerState.Isolated,
        _ => BreakerState.Open,
    };
}
