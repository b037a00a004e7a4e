using Breakwater.Classification;

namespace Breakwater.Retry;

/// <summary>
/// Turns an <see cref="Outcome"/> into a <see cref="Decision"/>. Knows outcomes and plans, nothing of HTTP.
/// Order of checks: retryable at all (x-should-retry, plan) → attempts → plan window → deadline → budget,
/// so that the budget is only spent on retries that will really be sent.
/// </summary>
internal static class RetryPolicy
{
    public static Decision Decide(Outcome outcome, RetryPlans plans, RetryState state, DateTimeOffset now, DateTimeOffset deadline, RetryBudget? budget, double unit)
    {
        if (outcome.IsSuccess)
        {
            return Decision.Done;
        }

        if (outcome.Phase == StreamPhase.AfterFirstDelta || outcome.Kind == FailureKind.StreamInterrupted)
        {
            return Decision.Stop(GiveUpReason.NotRetryable);
        }

        if (outcome.Hints.ShouldRetry == false)
        {
            return Decision.Stop(GiveUpReason.NotRetryable);
        }

        var plan = plans.For(outcome.Kind, outcome.StatusCode);
        if (plan is null)
        {
            if (outcome.Hints.ShouldRetry != true)
            {
                return Decision.Stop(GiveUpReason.NotRetryable);
            }

            // The server asked for a retry of something we would not retry: a short plan, never more.
            plan = plans.ServerError;
        }

        if (state.NoRetries)
        {
            return Decision.Stop(GiveUpReason.Budget);
        }

        var retryNumber = state.RetriesOf(plan) + 1;
        if (retryNumber > plan.MaxRetries)
        {
            return Decision.Stop(GiveUpReason.Attempts);
        }

        var wait = Backoff.Wait(plan, retryNumber, outcome.Hints.RetryAfter, unit);
        if (plan.MaxRetryWindow is { } window && state.WaitedIn(plan) + wait > window)
        {
            return Decision.Stop(GiveUpReason.Attempts);
        }

        if (now + wait >= deadline)
        {
            return Decision.Stop(GiveUpReason.Deadline);
        }

        if (budget is not null && !budget.TryWithdraw())
        {
            return Decision.Stop(GiveUpReason.Budget);
        }

        state.Record(plan, wait);
        return Decision.RetryAfter(wait);
    }
}
