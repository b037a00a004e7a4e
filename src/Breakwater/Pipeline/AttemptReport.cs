using Breakwater.Classification;

namespace Breakwater.Pipeline;

/// <summary>
/// What one attempt left: a response with its outcome, or a transport failure with the outcome it was classified as,
/// or neither (<see cref="BreakerRefused"/>: the breaker turned out to be open, nothing was sent).
/// </summary>
internal readonly record struct AttemptReport(AttemptResult? Attempt, Exception? Failure, Outcome? Outcome)
{
    /// <summary>A half-open probe was already out: the breaker refused this attempt.</summary>
    public bool BreakerRefused => Outcome is null;
}
