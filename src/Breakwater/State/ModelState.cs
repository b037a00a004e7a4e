using Breakwater.Classification;
using Breakwater.Concurrency;
using Breakwater.Health;
using Breakwater.Policy;
using Polly.CircuitBreaker;

namespace Breakwater.State;

/// <summary>Per (client, model) state: the breaker, the adaptive limit, the throttle and when it last overloaded.</summary>
internal sealed class ModelState : IModelGate
{
    private long _lastOverloadTicks = long.MinValue;
    private long _lastUsed;
    private readonly TimeProvider _time;

    public ModelState(string model, ClientState client)
    {
        Model = model;
        Client = client;
        _time = client.Time;
        var options = client.Options;
        Limiter = new AdaptiveLimiter(options.Concurrency, client.Time);
        Throttle = new AdaptiveThrottle(options.Throttle, client.Time);

        // Only capacity problems open a model's breaker; a 429 is the key's quota, a 400 the caller's request.
        Breaker = new ModelBreaker<AttemptResult>(options.CircuitBreaker, client.Time, static outcome =>
            outcome.Result?.Outcome.IsOverloadSignal == true || outcome.Exception is TimeoutException and not CallerDeadlineException);
    }

    public string Model { get; }

    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> of the last call that used this state.</summary>
    public long LastUsed => Interlocked.Read(ref _lastUsed);

    /// <summary>No attempt in flight and no call waiting for a slot: the state may be dropped.</summary>
    public bool IsIdle => Limiter.InFlight == 0 && Limiter.Queued == 0;

    /// <summary>Marks this state used now.</summary>
    public void Touch() => Interlocked.Exchange(ref _lastUsed, _time.GetTimestamp());

    public ClientState Client { get; }

    public ModelBreaker<AttemptResult> Breaker { get; }

    public AdaptiveLimiter Limiter { get; }

    public AdaptiveThrottle Throttle { get; }

    /// <inheritdoc cref="ModelBreaker{TResult}.IsOpen"/>
    public bool IsOpen => Breaker.IsOpen;

    /// <inheritdoc cref="ModelBreaker{TResult}.UntilProbe"/>
    public TimeSpan UntilProbe => Breaker.UntilProbe;

    public CircuitState BreakerState => Breaker.State;

    /// <summary>When this model last answered with an overload signal (529, overloaded stream error, attempt timeout); null if never.</summary>
    public DateTimeOffset? LastOverloadAt
    {
        get
        {
            var ticks = Interlocked.Read(ref _lastOverloadTicks);
            return ticks == long.MinValue ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    /// <summary>Records an overload signal seen now (deferred work waits for a quiet period after the last one).</summary>
    public void NoteOverload() => Interlocked.Exchange(ref _lastOverloadTicks, _time.GetUtcNow().UtcTicks);

    /// <summary>
    /// Feeds the throttle and the overload clock from one attempt's outcome (the limit is fed when its lease is
    /// released). An attempt timeout counts as an overload: the model did not answer in time. An attempt cut off by the
    /// call's own deadline counts for nothing: the caller stopped waiting.
    /// </summary>
    public void Observe(Outcome outcome)
    {
        if (IsCallerDeadline(outcome))
        {
            return;
        }

        var overloaded = outcome.IsOverloadSignal || outcome.Kind == FailureKind.AttemptTimeout;
        Throttle.Record(accepted: !overloaded);
        if (overloaded)
        {
            NoteOverload();
        }
    }

    /// <summary>The limiter signal of an attempt's outcome.</summary>
    public static LimitSignal SignalOf(Outcome outcome) => outcome.Kind switch
    {
        FailureKind.None => LimitSignal.Success,
        _ when IsCallerDeadline(outcome) => LimitSignal.Neutral,
        FailureKind.AttemptTimeout => LimitSignal.Overload,
        _ when outcome.IsOverloadSignal => LimitSignal.Overload,
        _ => LimitSignal.Neutral,
    };

    /// <summary>The attempt ended because the call's own deadline did, not because the upstream was slow.</summary>
    public static bool IsCallerDeadline(Outcome outcome) => outcome.Exception is CallerDeadlineException;
}
