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

/// <summary>A decision after one attempt or refusal.</summary>
/// <param name="Kind">Return, retry, next model or wait.</param>
/// <param name="Delay">The wait before the retry (or before passing the gates again).</param>
/// <param name="GiveUp">Why the call stops, when it returns a failure.</param>
internal readonly record struct Decision(DecisionKind Kind, TimeSpan Delay, GiveUpReason GiveUp)
{
    /// <summary>Return a success.</summary>
    public static Decision Done { get; } = new(DecisionKind.Return, TimeSpan.Zero, GiveUpReason.None);

    /// <summary>Move to the next model.</summary>
    public static Decision Next { get; } = new(DecisionKind.NextModel, TimeSpan.Zero, GiveUpReason.None);

    /// <summary>Give up with <paramref name="reason"/>.</summary>
    public static Decision Stop(GiveUpReason reason) => new(DecisionKind.Return, TimeSpan.Zero, reason);

    /// <summary>Retry after <paramref name="delay"/>.</summary>
    public static Decision RetryAfter(TimeSpan delay) => new(DecisionKind.Retry, delay, GiveUpReason.None);

    /// <summary>Wait <paramref name="delay"/> and pass the gates again.</summary>
    public static Decision WaitFor(TimeSpan delay) => new(DecisionKind.Wait, delay, GiveUpReason.None);
}
