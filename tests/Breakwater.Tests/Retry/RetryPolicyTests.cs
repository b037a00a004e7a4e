using Breakwater.Anthropic;
using Breakwater.Classification;
using Breakwater.Retry;
using Breakwater.Tests.TestKit;

namespace Breakwater.Tests.Retry;

/// <summary>
/// <see cref="RetryPolicy.Decide"/> alone: the order of its checks (retryable at all → attempts → plan window →
/// deadline → budget) and what each one returns. The budget is only spent on a retry that will really be sent.
/// </summary>
public sealed class RetryPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FarDeadline = Now.AddMinutes(10);

    [Fact]
    public void Success_IsDone()
    {
        var decision = RetryPolicy.Decide(Outcome.Success(200, "req_1", null), new RetryPlans(), new RetryState(), Now, FarDeadline, null, 0.5);

        Assert.Equal(Decision.Done, decision);
    }

    [Theory]
    [InlineData(1, 0.0, 1.0)]   // base 1 s, no jitter drawn
    [InlineData(1, 1.0, 1.75)]  // 75 % jitter at the top of the draw
    [InlineData(2, 0.0, 2.0)]   // doubles
    [InlineData(3, 0.0, 4.0)]
    [InlineData(4, 0.0, 8.0)]
    public void Overloaded_ExponentialBackoffWithJitter(int retryNumber, double unit, double seconds)
    {
        var plans = new RetryPlans();
        var state = new RetryState();
        for (var i = 1; i < retryNumber; i++)
        {
            state.Record(plans.Overloaded, TimeSpan.Zero);
        }

        var decision = RetryPolicy.Decide(Failure(FailureKind.Overloaded, 529), plans, state, Now, FarDeadline, null, unit);

        Assert.Equal(DecisionKind.Retry, decision.Kind);
        Assert.Equal(TimeSpan.FromSeconds(seconds), decision.Delay);
    }

    [Fact]
    public void RateLimited_WaitsRetryAfterExactly_PlusItsSmallJitter()
    {
        var outcome = Failure(FailureKind.RateLimited, 429) with { Hints = new RetryHints { RetryAfter = TimeSpan.FromSeconds(20) } };

        var none = RetryPolicy.Decide(outcome, new RetryPlans(), new RetryState(), Now, FarDeadline, null, 0.0);
        var top = RetryPolicy.Decide(outcome, new RetryPlans(), new RetryState(), Now, FarDeadline, null, 1.0);

        Assert.Equal(TimeSpan.FromSeconds(20), none.Delay);
        Assert.Equal(TimeSpan.FromSeconds(22), top.Delay); // never sooner than retry-after, at most 10 % later
    }

    [Fact]
    public void RetryAfterShorterThanBackoff_BackoffWins()
    {
        var outcome = Failure(FailureKind.Overloaded, 529) with { Hints = new RetryHints { RetryAfter = TimeSpan.FromMilliseconds(10) } };

        var decision = RetryPolicy.Decide(outcome, new RetryPlans(), new RetryState(), Now, FarDeadline, null, 0.0);

        Assert.Equal(TimeSpan.FromSeconds(1), decision.Delay);
    }

    [Theory]
    [InlineData(nameof(StreamPhase.AfterFirstDelta), FailureKind.Overloaded)]
    [InlineData(nameof(StreamPhase.NotStream), FailureKind.StreamInterrupted)]
    public void PartOfAnAnswerDelivered_NeverRetried(string phaseName, FailureKind kind)
    {
        var phase = Enum.Parse<StreamPhase>(phaseName);
        var decision = RetryPolicy.Decide(Failure(kind, 529) with { Phase = phase }, new RetryPlans(), new RetryState(), Now, FarDeadline, null, 0.5);

        Assert.Equal(Decision.Stop(GiveUpReason.NotRetryable), decision);
    }

    [Fact]
    public void ShouldRetryFalse_OverridesThePlan()
    {
        var outcome = Failure(FailureKind.Overloaded, 529) with { Hints = new RetryHints { ShouldRetry = false } };

        Assert.Equal(Decision.Stop(GiveUpReason.NotRetryable), RetryPolicy.Decide(outcome, new RetryPlans(), new RetryState(), Now, FarDeadline, null, 0.5));
    }

    [Fact]
    public void ShouldRetryTrue_OnAKindWithoutAPlan_UsesTheShortServerErrorPlan()
    {
        var plans = new RetryPlans();
        var state = new RetryState();
        var outcome = Failure(FailureKind.InvalidRequest, 400) with { Hints = new RetryHints { ShouldRetry = true } };

        var decision = RetryPolicy.Decide(outcome, plans, state, Now, FarDeadline, null, 0.0);

        Assert.Equal(Decision.RetryAfter(plans.ServerError.BaseDelay), decision);
        Assert.Equal(1, state.RetriesOf(plans.ServerError));
    }

    [Fact]
    public void NoRetries_GivesUpAsBudget_BeforeCountingAttempts()
    {
        var state = new RetryState { NoRetries = true };

        Assert.Equal(Decision.Stop(GiveUpReason.Budget), RetryPolicy.Decide(Failure(FailureKind.Overloaded, 529), new RetryPlans(), state, Now, FarDeadline, null, 0.5));
    }

    [Fact]
    public void AttemptsCountPerPlan_AnotherKindStillHasItsOwn()
    {
        var plans = new RetryPlans();
        var state = new RetryState();
        for (var i = 0; i < plans.Overloaded.MaxRetries; i++)
        {
            state.Record(plans.Overloaded, TimeSpan.Zero);
        }

        Assert.Equal(Decision.Stop(GiveUpReason.Attempts), RetryPolicy.Decide(Failure(FailureKind.Overloaded, 529), plans, state, Now, FarDeadline, null, 0.5));
        Assert.Equal(DecisionKind.Retry, RetryPolicy.Decide(Failure(FailureKind.ApiError, 500), plans, state, Now, FarDeadline, null, 0.5).Kind);
    }

    [Fact]
    public void PlanWindow_AWaitThatWouldPassIt_IsOutOfAttempts()
    {
        var plans = new RetryPlans();
        var state = new RetryState();
        state.Record(plans.ServerError, TimeSpan.FromSeconds(7.8)); // the window is 8 s

        var decision = RetryPolicy.Decide(Failure(FailureKind.ApiError, 500), plans, state, Now, FarDeadline, null, 0.0);

        Assert.Equal(Decision.Stop(GiveUpReason.Attempts), decision);
    }

    [Fact]
    public void Deadline_BeforeTheWaitEnds_GivesUpWithoutSpendingTheBudget()
    {
        var time = new ObservableTimeProvider();
        var budget = new RetryBudget(new RetryBudgetOptions { MinRetries = 1, Ratio = 0 }, time);

        var decision = RetryPolicy.Decide(Failure(FailureKind.Overloaded, 529), new RetryPlans(), new RetryState(), Now, Now.AddMilliseconds(999), budget, 0.0);

        Assert.Equal(Decision.Stop(GiveUpReason.Deadline), decision);
        Assert.Equal(0, budget.Snapshot().Retries);
    }

    [Fact]
    public void Budget_SpentOnlyByRetriesThatAreSent_ThenEmpty()
    {
        var time = new ObservableTimeProvider();
        var budget = new RetryBudget(new RetryBudgetOptions { MinRetries = 1, Ratio = 0 }, time);
        var state = new RetryState();

        var first = RetryPolicy.Decide(Failure(FailureKind.Overloaded, 529), new RetryPlans(), state, Now, FarDeadline, budget, 0.0);
        var second = RetryPolicy.Decide(Failure(FailureKind.Overloaded, 529), new RetryPlans(), state, Now, FarDeadline, budget, 0.0);

        Assert.Equal(DecisionKind.Retry, first.Kind);
        Assert.Equal(Decision.Stop(GiveUpReason.Budget), second);
        Assert.Equal(1, budget.Snapshot().Retries);
    }

    [Fact]
    public void Retry_IsRecordedInTheState_WithItsWait()
    {
        var plans = new RetryPlans();
        var state = new RetryState();

        var decision = RetryPolicy.Decide(Failure(FailureKind.ApiError, 500), plans, state, Now, FarDeadline, null, 0.0);

        Assert.Equal(1, state.RetriesOf(plans.ServerError));
        Assert.Equal(decision.Delay, state.WaitedIn(plans.ServerError));
    }

    private static Outcome Failure(FailureKind kind, int? status) => new() { Kind = kind, StatusCode = status };
}
