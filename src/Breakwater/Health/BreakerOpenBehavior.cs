namespace Breakwater.Health;

/// <summary>What a call does when its model's breaker is open and no fallback model can take it.</summary>
public enum BreakerOpenBehavior
{
    /// <summary>Wait for the half-open probe, within the call's deadline.</summary>
    Wait,
    /// <summary>Fail at once with <c>breakwater-giveup: breaker</c>.</summary>
    FailFast,
}
