namespace Breakwater.Retry;

/// <summary>What to do after an attempt or a local refusal: the noun policy produces from an <see cref="Classification.Outcome"/>.</summary>
internal enum DecisionKind
{
    /// <summary>Return the response to the caller (success, or a failure given up on).</summary>
    Return,
    /// <summary>Retry the same model after <see cref="Decision.Delay"/>.</summary>
    Retry,
    /// <summary>Try the next model of the fallback chain.</summary>
    NextModel,
    /// <summary>Wait <see cref="Decision.Delay"/> without sending (for an open breaker's probe), then pass the gates again.</summary>
    Wait,
}
