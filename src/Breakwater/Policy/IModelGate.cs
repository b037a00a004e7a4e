namespace Breakwater.Policy;

/// <summary>What the decision rules read of a model's health: whether its breaker is open, when it lets a probe through, and whether a timed-out attempt is worth retrying.</summary>
internal interface IModelGate
{
    /// <summary>The breaker is open and its break not over: calls should not go to this model now.</summary>
    bool IsOpen { get; }

    /// <summary>How long until the open breaker lets a probe through (zero when it is not open).</summary>
    TimeSpan UntilProbe { get; }

    /// <summary>
    /// Whether retrying an attempt that timed out may succeed on this model (judged by how recent such retries
    /// ended); when not, a timeout is not retried on the same model.
    /// </summary>
    bool TimeoutRetryMayHelp { get; }
}
