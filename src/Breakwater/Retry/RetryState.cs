namespace Breakwater.Retry;

/// <summary>Retries and waits per plan within one call on one model. Not thread-safe: one call, one state.</summary>
internal sealed class RetryState
{
    // Made on the first retry: most calls never retry, and this state is per call.
    private Dictionary<RetryPlan, (int Retries, TimeSpan Waited)>? _perPlan;

    /// <summary>Set when the call may make no retries of its own (a client's retry that found the budget empty).</summary>
    public bool NoRetries { get; set; }

    public int RetriesOf(RetryPlan plan) => _perPlan is not null && _perPlan.TryGetValue(plan, out var v) ? v.Retries : 0;

    public TimeSpan WaitedIn(RetryPlan plan) => _perPlan is not null && _perPlan.TryGetValue(plan, out var v) ? v.Waited : TimeSpan.Zero;

    public void Record(RetryPlan plan, TimeSpan wait)
    {
        _perPlan ??= new(ReferenceEqualityComparer.Instance);
        _perPlan.TryGetValue(plan, out var v);
        _perPlan[plan] = (v.Retries + 1, v.Waited + wait);
    }

    public void Reset() => _perPlan?.Clear();
}
