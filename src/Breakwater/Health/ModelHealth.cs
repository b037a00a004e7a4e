namespace Breakwater.Health;

/// <summary>A snapshot of one (client, model)'s health, for dashboards.</summary>
/// <param name="Client">The client name.</param>
/// <param name="Model">The model.</param>
/// <param name="Breaker">closed, open, half-open or isolated.</param>
/// <param name="ConcurrencyLimit">The adaptive limit now.</param>
/// <param name="InFlight">Calls holding a slot.</param>
/// <param name="Queued">Calls waiting for a slot.</param>
/// <param name="ThrottleProbability">The current probability of a local rejection.</param>
public sealed record ModelHealth(string Client, string Model, string Breaker, int ConcurrencyLimit, int InFlight, int Queued, double ThrottleProbability)
{
    /// <summary>
    /// <see cref="Breaker"/> as a value to switch on. Text other than the four names <see cref="Breaker"/> uses reads as
    /// <see cref="BreakerState.Open"/>: a breaker not known to be closed is not counted on.
    /// </summary>
    public BreakerState State => BreakerStates.FromWire(Breaker);

    /// <summary>When the model last answered with an overload signal (529, an overloaded stream error, an attempt timeout); null if never.</summary>
    public DateTimeOffset? LastOverloadAt { get; init; }

    /// <summary>When a call last found the adaptive concurrency limit full and had to wait for a slot; null if never.</summary>
    public DateTimeOffset? LastLimitWaitAt { get; init; }
}
