using Breakwater.Anthropic;
using Breakwater.Classification;
using Breakwater.Health;
using Breakwater.Policy;
using Breakwater.Retry;
using Breakwater.Tests.TestKit;

namespace Breakwater.Tests.Policy;

/// <summary>
/// Every (failure kind × stream phase × call state) row of the decision function, written out: a change to any rule
/// shows up here as a changed row, not as a side effect three layers away.
/// </summary>
public sealed class CallPolicyTableTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    // The call states, one column each:
    //   alone   a live call, no fallback model left, breaker closed, nothing spent
    //   fb      a live call with a fallback model ahead, first failure on this model
    //   fb2     the same, after one overload already seen on this model (Fallback.SameModelRetries = 1)
    //   open    a fallback model ahead and this model's breaker open
    //   bg      deferred (background) work: never falls back, never retries in place
    //   spent   alone, every retry plan's retries used up
    //   spentfb spent, with a fallback model ahead
    //   late    alone, 1 ms left before the deadline
    private static readonly string[] States = ["alone", "fb", "fb2", "open", "bg", "spent", "spentfb", "late"];

    // ok: return the success · retry: same model after a wait · next: the next model · nr/att/dl: give up
    // (not retryable / out of attempts / the deadline). 429s carry retry-after: 2 s, as Anthropic's do.
    private const string Table = """
        kind               status | alone  fb     fb2    open   bg     spent  spentfb late
        None               200    | ok     ok     ok     ok     ok     ok     ok      ok
        InvalidRequest     400    | nr     nr     nr     nr     nr     nr     nr      nr
        Authentication     401    | nr     nr     nr     nr     nr     nr     nr      nr
        Billing            400    | nr     nr     nr     nr     nr     nr     nr      nr
        Permission         403    | nr     nr     nr     nr     nr     nr     nr      nr
        NotFound           404    | nr     nr     nr     nr     nr     nr     nr      nr
        Conflict           409    | retry  retry  retry  retry  att    att    att     dl
        RequestTooLarge    413    | nr     nr     nr     nr     nr     nr     nr      nr
        RateLimited        429    | retry  retry  retry  retry  att    att    att     dl
        SpendLimit         400    | nr     nr     nr     nr     nr     nr     nr      nr
        ApiError           500    | retry  retry  retry  retry  att    att    att     dl
        Timeout            504    | retry  retry  retry  retry  att    att    att     dl
        Overloaded         529    | retry  retry  next   next   att    att    next    dl
        ProxyError         502    | retry  retry  retry  retry  att    att    att     dl
        ProxyError         503    | retry  retry  next   next   att    att    next    dl
        ConnectionFailure  -      | retry  retry  retry  retry  att    att    att     dl
        AttemptTimeout     -      | retry  retry  retry  retry  att    att    att     dl
        StreamInterrupted  -      | nr     nr     nr     nr     nr     nr     nr      nr
        Unknown            500    | retry  retry  retry  retry  att    att    att     dl
        Unknown            400    | nr     nr     nr     nr     nr     nr     nr      nr
        """;

    public static TheoryData<FailureKind, int?, string, string, string> Rows()
    {
        var rows = new TheoryData<FailureKind, int?, string, string, string>();
        foreach (var line in Table.Split('\n').Skip(1))
        {
            var parts = line.Split('|');
            var head = parts[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var cells = parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var kind = Enum.Parse<FailureKind>(head[0]);
            int? status = head[1] == "-" ? null : int.Parse(head[1], System.Globalization.CultureInfo.InvariantCulture);
            for (var i = 0; i < States.Length; i++)
            {
                rows.Add(kind, status, nameof(StreamPhase.NotStream), States[i], cells[i]);
                rows.Add(kind, status, nameof(StreamPhase.BeforeFirstDelta), States[i], cells[i]);

                // After the first delta the caller holds part of the answer: nothing but a give-up, in every state.
                rows.Add(kind, status, nameof(StreamPhase.AfterFirstDelta), States[i], kind == FailureKind.None ? "ok" : "nr");
            }
        }

        return rows;
    }

    [Fact]
    public void Table_ListsEveryFailureKind()
    {
        var listed = Rows().Select(r => (FailureKind)r[0]).ToHashSet();

        Assert.Equal(Enum.GetValues<FailureKind>().ToHashSet(), listed);
        Assert.Equal((Table.Split('\n').Length - 1) * States.Length * 3, Rows().Count);
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void AfterAttempt_Row(FailureKind kind, int? status, string phaseName, string state, string expected)
    {
        // StreamPhase is internal, so the row names it (a public test method cannot take an internal type).
        var phase = Enum.Parse<StreamPhase>(phaseName);
        var (call, gate, canFallBack) = Arrange(state, out var options);
        var outcome = new Outcome
        {
            Kind = kind,
            StatusCode = status,
            Phase = phase,
            Hints = kind == FailureKind.RateLimited ? new RetryHints { RetryAfter = TimeSpan.FromSeconds(2) } : RetryHints.None,
        };

        var decision = CallPolicy.AfterAttempt(outcome, call, gate, canFallBack, options, budget: null, Now, new JitterSource(new FixedRandom(0.5)));

        Assert.Equal(expected, Code(decision));
    }

    [Theory]
    // x-should-retry: false is the server's word against retrying here; another model is not "here".
    [InlineData(FailureKind.Overloaded, 529, false, "alone", "nr")]
    [InlineData(FailureKind.Overloaded, 529, false, "fb2", "next")]
    [InlineData(FailureKind.ApiError, 500, false, "alone", "nr")]
    // x-should-retry: true on something with no plan of its own: the short server-error plan.
    [InlineData(FailureKind.InvalidRequest, 400, true, "alone", "retry")]
    [InlineData(FailureKind.InvalidRequest, 400, true, "bg", "att")]
    [InlineData(FailureKind.StreamInterrupted, null, true, "alone", "nr")]
    public void AfterAttempt_ShouldRetryHeader(FailureKind kind, int? status, bool shouldRetry, string state, string expected)
    {
        var (call, gate, canFallBack) = Arrange(state, out var options);
        var outcome = new Outcome { Kind = kind, StatusCode = status, Hints = new RetryHints { ShouldRetry = shouldRetry } };

        var decision = CallPolicy.AfterAttempt(outcome, call, gate, canFallBack, options, budget: null, Now, new JitterSource(new FixedRandom(0.5)));

        Assert.Equal(expected, Code(decision));
    }

    [Fact]
    public void AfterAttempt_RetryWait_IsThePlansBackoffWithTheDrawnJitter()
    {
        var (call, gate, _) = Arrange("alone", out var options);
        var outcome = new Outcome { Kind = FailureKind.Overloaded, StatusCode = 529 };

        var decision = CallPolicy.AfterAttempt(outcome, call, gate, canFallBack: false, options, budget: null, Now, new JitterSource(new FixedRandom(0.5)));

        // Overloaded plan: 1 s base, 75 % jitter at unit 0.5 → 1.375 s.
        Assert.Equal(TimeSpan.FromSeconds(1.375), decision.Delay);
        Assert.Equal(1, call.Retry.RetriesOf(options.Retry.Overloaded));
    }

    // Refusals: which gate said no × where the call can go.
    [Theory]
    [InlineData(GiveUpReason.Breaker, "fb", true, "next")]
    [InlineData(GiveUpReason.Throttled, "fb", true, "next")]
    [InlineData(GiveUpReason.Queue, "fb", true, "next")]
    [InlineData(GiveUpReason.Breaker, "alone", true, "wait")]
    [InlineData(GiveUpReason.Breaker, "alone", false, "breaker")]
    [InlineData(GiveUpReason.Breaker, "bg", true, "breaker")]
    [InlineData(GiveUpReason.Breaker, "late", true, "breaker")]
    [InlineData(GiveUpReason.Breaker, "alone-failfast", true, "breaker")]
    [InlineData(GiveUpReason.Throttled, "alone", true, "throttled")]
    [InlineData(GiveUpReason.Queue, "alone", true, "queue")]
    [InlineData(GiveUpReason.Queue, "bg", true, "queue")]
    public void AfterRefusal_Row(GiveUpReason refusal, string state, bool mayWaitForProbe, string expected)
    {
        var failFast = state.EndsWith("-failfast", StringComparison.Ordinal);
        var (call, gate, canFallBack) = Arrange(failFast ? "alone" : state, out var options, untilProbe: TimeSpan.FromSeconds(2));
        if (failFast)
        {
            options.CircuitBreaker.WhenOpen = BreakerOpenBehavior.FailFast;
        }

        var decision = CallPolicy.AfterRefusal(refusal, call, gate, canFallBack, mayWaitForProbe, options, Now, new JitterSource(new FixedRandom(0.5)));

        Assert.Equal(expected, decision.Kind switch
        {
            DecisionKind.NextModel => "next",
            DecisionKind.Wait => "wait",
            _ => GiveUpReasons.ToWire(decision.GiveUp),
        });
        if (expected == "wait")
        {
            // Until the probe, plus up to 250 ms of jitter so the waiters do not all land on the probe together.
            Assert.Equal(TimeSpan.FromSeconds(2.125), decision.Delay);
        }
    }

    [Theory]
    [InlineData(false, false, 4, false)] // a first call: counted as a first attempt
    [InlineData(false, true, 4, false)]  // a caller's retry with budget left: a withdrawal, not a first attempt
    [InlineData(false, true, 0, true)]   // a caller's retry with the budget empty: sent once, no retries of ours
    [InlineData(true, false, 4, false)]  // background: no fallback, not counted
    public void Start_Row(bool background, bool clientRetry, int budgetLeft, bool exhausted)
    {
        var time = new ObservableTimeProvider();
        var budget = new RetryBudget(new RetryBudgetOptions { MinRetries = budgetLeft, Ratio = 0 }, time);
        var state = new CallPolicyState(Now.AddMinutes(1));

        var empty = CallPolicy.Start(state, background, clientRetry, budget, budgetEnabled: true);

        Assert.Equal(exhausted, empty);
        Assert.Equal(exhausted, state.Retry.NoRetries);
        Assert.Equal(background, state.Background);
        Assert.Equal(background, state.FallbackDenied);
        var (firsts, retries) = budget.Snapshot();
        Assert.Equal(!background && !clientRetry ? 1 : 0, firsts);
        Assert.Equal(clientRetry && budgetLeft > 0 ? 1 : 0, retries);
    }

    [Theory]
    [InlineData("alone", false, 60)] // the rest of the deadline
    [InlineData("alone", true, 5)]   // bounded by Fallback.MaxQueueWait when another model could take the call
    [InlineData("bg", false, 0)]     // background work never queues ahead of live calls
    public void SlotWait_Row(string state, bool canFallBack, int seconds)
    {
        var (call, _, _) = Arrange(state, out var options);

        Assert.Equal(TimeSpan.FromSeconds(seconds), CallPolicy.SlotWait(options, call, Now, canFallBack));
    }

    [Theory]
    [InlineData("claude-a", true, false, false, "claude-b,claude-c")]
    [InlineData("claude-b", true, false, false, "claude-c")]
    [InlineData("claude-a", false, false, false, "")] // nothing to rewrite in the body
    [InlineData("", true, false, false, "")]          // no model named
    [InlineData("claude-a", true, true, false, "")]   // breakwater-fallback: deny
    [InlineData("claude-a", true, false, true, "")]   // background work
    public void FallbacksFor_Row(string model, bool bodyHasModel, bool denied, bool background, string expected)
    {
        var options = new BreakwaterOptions();
        options.Fallback.Add("claude-a", "claude-b", "claude-c");
        var state = new CallPolicyState(Now.AddMinutes(1)) { FallbackDenied = denied || background, Background = background };

        Assert.Equal(expected, string.Join(',', CallPolicy.FallbacksFor(options, model, bodyHasModel, state)));
    }

    private static (CallPolicyState Call, IModelGate Gate, bool CanFallBack) Arrange(string state, out BreakwaterOptions options, TimeSpan? untilProbe = null)
    {
        options = new BreakwaterOptions();
        var deadline = state == "late" ? Now.AddMilliseconds(1) : Now.AddSeconds(60);
        var call = new CallPolicyState(deadline);
        var canFallBack = state is "fb" or "fb2" or "open" or "spentfb";
        if (state == "fb2")
        {
            call.OverloadsOnModel = 1;
        }

        if (state == "bg")
        {
            call.Background = true;
            call.FallbackDenied = true;
        }

        if (state is "spent" or "spentfb")
        {
            var plans = options.Retry;
            foreach (var plan in new[] { plans.Overloaded, plans.RateLimited, plans.ServerError, plans.Conflict })
            {
                for (var i = 0; i < plan.MaxRetries; i++)
                {
                    call.Retry.Record(plan, TimeSpan.Zero);
                }
            }
        }

        return (call, new Gate(state == "open", untilProbe ?? TimeSpan.Zero), canFallBack);
    }

    private static string Code(Decision decision) => decision.Kind switch
    {
        DecisionKind.Retry => "retry",
        DecisionKind.NextModel => "next",
        DecisionKind.Wait => "wait",
        _ => decision.GiveUp switch
        {
            GiveUpReason.None => "ok",
            GiveUpReason.NotRetryable => "nr",
            GiveUpReason.Attempts => "att",
            GiveUpReason.Deadline => "dl",
            var other => other.ToString(),
        },
    };

    private sealed record Gate(bool IsOpen, TimeSpan UntilProbe) : IModelGate;
}
