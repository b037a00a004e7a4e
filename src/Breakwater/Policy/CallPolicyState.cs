using Breakwater.Retry;

namespace Breakwater.Policy;

/// <summary>What the decision rules remember of one call between its attempts. Owned by one call, never shared.</summary>
internal sealed class CallPolicyState(DateTimeOffset deadline)
{
    /// <summary>When the call must have its answer.</summary>
    public DateTimeOffset Deadline { get; } = deadline;

    /// <summary>Retries spent per plan on the current model.</summary>
    public RetryState Retry { get; } = new();

    /// <summary>Overload outcomes seen on the current model (fallback moves after <c>Fallback.SameModelRetries</c> of them).</summary>
    public int OverloadsOnModel { get; set; }

    /// <summary>Deferred work (<see cref="BreakwaterRequestOptions.Background"/>): live calls come first.</summary>
    public bool Background { get; set; }

    /// <summary>No fallback for this call (<c>breakwater-fallback: deny</c>, or background work).</summary>
    public bool FallbackDenied { get; set; }

    /// <summary>The call moved to another model: its per-model counts start again.</summary>
    public void OnModelChanged()
    {
        Retry.Reset();
        OverloadsOnModel = 0;
    }
}
