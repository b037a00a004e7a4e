namespace Breakwater.Policy;

/// <summary>What the decision rules read of a model's health: whether its breaker is open and when it lets a probe through.</summary>
internal interface IModelGate
{
    /// <summary>The breaker is open and its break not over: calls should not go to this model now.</summary>
    bool IsOpen { get; }

    /// <summary>How long until the open breaker lets a probe through (zero when it is not open).</summary>
    TimeSpan UntilProbe { get; }
}
