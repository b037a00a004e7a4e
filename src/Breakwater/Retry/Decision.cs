namespace Breakwater.Retry;

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
