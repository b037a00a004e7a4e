using Breakwater.Classification;
using Breakwater.Health;
using Breakwater.Retry;

namespace Breakwater.Policy;

/// <summary>
/// Every rule that says what a call does next, in one place and free of I/O: after an attempt (return, retry after a
/// wait, or move down the fallback chain), after a local refusal (move on, wait for the breaker's probe, or give up),
/// which models a call may use and how long it may wait for a concurrency slot. The pipeline only carries decisions
/// out. The per-kind retry plans themselves are <see cref="RetryPolicy"/>'s.
/// </summary>
/// <remarks>
/// Random draws happen exactly where a rule needs one (and nowhere else), so a seeded run draws the same sequence
/// whatever the rules' shape: the benchmark's byte-identical report depends on it.
/// </remarks>
internal static class CallPolicy
{
    /// <summary>
    /// A call's first moment. Background work never falls back and is not a first attempt of the retry budget (the
    /// worker sends it again later); a caller's own retry is a retry, paid from the budget, never a fresh start —
    /// with the budget empty it goes out once, with no retries of ours. Anything else counts as a first attempt.
    /// </summary>
    /// <param name="state">The call's state.</param>
    /// <param name="background">The call is deferred work.</param>
    /// <param name="isClientRetry">The caller is retrying on its own.</param>
    /// <param name="budget">The client's retry budget.</param>
    /// <param name="budgetEnabled">Whether the budget applies.</param>
    /// <returns>True when a caller's retry found the budget empty.</returns>
    public static bool Start(CallPolicyState state, bool background, bool isClientRetry, RetryBudget budget, bool budgetEnabled)
    {
        if (background)
        {
            state.Background = true;
            state.FallbackDenied = true;
            return false;
        }

        if (isClientRetry)
        {
            if (budgetEnabled && !budget.TryWithdraw())
            {
                state.Retry.NoRetries = true;
                return true;
            }

            return false;
        }

        budget.RecordFirstAttempt();
        return false;
    }

    /// <summary>Whether a call for <paramref name="requestedModel"/> may fall back at all, and to which models.</summary>
    /// <param name="options">The client's options.</param>
    /// <param name="requestedModel">The model the caller asked for ("" when the body named none).</param>
    /// <param name="bodyHasModel">The body has a top-level <c>model</c> value that can be rewritten.</param>
    /// <param name="state">The call's state (fallback denied per call or for background work).</param>
    /// <returns>The models after <paramref name="requestedModel"/>, in order; empty when the call stays on its model.</returns>
    public static IReadOnlyList<string> FallbacksFor(BreakwaterOptions options, string requestedModel, bool bodyHasModel, CallPolicyState state) =>
        !state.FallbackDenied && requestedModel.Length > 0 && bodyHasModel ? options.Fallback.After(requestedModel) : [];

    /// <summary>How long a call may wait for a concurrency slot of its current model.</summary>
    /// <param name="options">The client's options.</param>
    /// <param name="state">The call's state.</param>
    /// <param name="now">The time now.</param>
    /// <param name="canFallBack">Another model of the chain is still ahead.</param>
    /// <returns>
    /// Zero for background work (a slot only if one is free now, never queued ahead of a live call); otherwise what
    /// is left of the deadline, bounded by <c>Fallback.MaxQueueWait</c> when another model could take the call.
    /// </returns>
    public static TimeSpan SlotWait(BreakwaterOptions options, CallPolicyState state, DateTimeOffset now, bool canFallBack)
    {
        var wait = state.Background ? TimeSpan.Zero : state.Deadline - now;
        if (canFallBack && wait > options.Fallback.MaxQueueWait)
        {
            wait = options.Fallback.MaxQueueWait;
        }

        return wait;
    }

    /// <summary>What to do after one attempt.</summary>
    /// <param name="outcome">What the attempt did.</param>
    /// <param name="state">The call's state (its retry counts are updated when a retry is decided).</param>
    /// <param name="model">The current model's health.</param>
    /// <param name="canFallBack">Another model of the chain is still ahead.</param>
    /// <param name="options">The client's options.</param>
    /// <param name="budget">The client's retry budget; null when disabled.</param>
    /// <param name="now">The time now.</param>
    /// <param name="random">The jitter source (drawn once, only when a same-model retry is considered).</param>
    /// <returns>Return (success or give-up), retry after a wait, or the next model.</returns>
    public static Decision AfterAttempt(Outcome outcome, CallPolicyState state, IModelGate model, bool canFallBack, BreakwaterOptions options, RetryBudget? budget, DateTimeOffset now, JitterSource random)
    {
        if (outcome.IsSuccess)
        {
            return Decision.Done;
        }

        if (outcome.Phase == StreamPhase.AfterFirstDelta || outcome.Kind == FailureKind.StreamInterrupted)
        {
            // The caller already has part of the answer: neither another attempt nor another model can mend it.
            return Decision.Stop(GiveUpReason.NotRetryable);
        }

        Decision decision;
        if (canFallBack && outcome.IsOverloadSignal && (model.IsOpen || ++state.OverloadsOnModel > options.Fallback.SameModelRetries))
        {
            // Another model has its own capacity pool: move now rather than wait here.
            decision = Decision.Next;
        }
        else
        {
            decision = RetryPolicy.Decide(outcome, options.Retry, state.Retry, now, state.Deadline, budget, random.NextUnit());
            if (decision.Kind == DecisionKind.Return && canFallBack && outcome.IsOverloadSignal && decision.GiveUp is not GiveUpReason.Deadline and not GiveUpReason.NotRetryable)
            {
                // Out of attempts or budget here; the next model's pool is not the one under strain.
                decision = Decision.Next;
            }
        }

        if (state.Background && decision.Kind != DecisionKind.Return)
        {
            // Deferred work is sent again by its worker, later, instead of adding attempts to a strained pool now.
            decision = Decision.Stop(GiveUpReason.Attempts);
        }

        return decision;
    }

    /// <summary>What to do when a local gate refused the call before anything was sent.</summary>
    /// <param name="refusal">Which gate refused (breaker, throttle, queue, pacing deadline).</param>
    /// <param name="state">The call's state.</param>
    /// <param name="model">The current model's health.</param>
    /// <param name="canFallBack">Another model of the chain is still ahead.</param>
    /// <param name="mayWaitForProbe">
    /// False when the breaker refused at the attempt itself (a half-open probe is already out): there is no probe to wait for.
    /// </param>
    /// <param name="options">The client's options.</param>
    /// <param name="now">The time now.</param>
    /// <param name="random">The jitter source (drawn once, only when waiting for the probe is considered).</param>
    /// <returns>The next model, a wait for the breaker's probe (<see cref="DecisionKind.Wait"/>), or a give-up with <paramref name="refusal"/>.</returns>
    public static Decision AfterRefusal(GiveUpReason refusal, CallPolicyState state, IModelGate model, bool canFallBack, bool mayWaitForProbe, BreakwaterOptions options, DateTimeOffset now, JitterSource random)
    {
        if (canFallBack)
        {
            return Decision.Next;
        }

        if (mayWaitForProbe && refusal == GiveUpReason.Breaker && options.CircuitBreaker.WhenOpen == BreakerOpenBehavior.Wait && !state.Background)
        {
            // Nowhere else to go: wait for the probe locally (no load added), unless the deadline comes first.
            var pause = model.UntilProbe + TimeSpan.FromMilliseconds(random.NextUnit() * 250);
            if (now + pause < state.Deadline)
            {
                return Decision.WaitFor(pause);
            }
        }

        return Decision.Stop(refusal);
    }
}
