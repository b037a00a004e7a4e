namespace Breakwater.Health;

/// <summary>A model's circuit breaker, as <see cref="ModelHealth.State"/> reports it.</summary>
public enum BreakerState
{
    /// <summary>Calls flow.</summary>
    Closed = 0,
    /// <summary>Tripped by repeated overloads: calls are refused (or wait) until the break ends.</summary>
    Open,
    /// <summary>The break ended: a trial call decides whether it closes or opens again.</summary>
    HalfOpen,
    /// <summary>Held open by hand.</summary>
    Isolated,
}
