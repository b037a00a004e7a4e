using Breakwater.Classification;
using Breakwater.Concurrency;
using Breakwater.Health;
using Polly;
using Polly.CircuitBreaker;

namespace Breakwater.Pipeline;

/// <summary>Per (client, model) state: the breaker (Polly), the adaptive limit and the throttle.</summary>
internal sealed class ModelState
{
    private readonly CircuitBreakerStateProvider _breakerState = new();
    private long _probeAtTicks = long.MinValue;
    private long _lastOverloadTicks = long.MinValue;

    public ModelState(string model, ClientState client)
    {
        Model = model;
        Client = client;
        var options = client.Options;
        Limiter = new AdaptiveLimiter(options.Concurrency, client.Time);
        Throttle = new AdaptiveThrottle(options.Throttle, client.Time);
        var builder = new ResiliencePipelineBuilder<AttemptResult> { TimeProvider = client.Time };
        if (options.CircuitBreaker.Enabled)
        {
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<AttemptResult>
            {
                FailureRatio = options.CircuitBreaker.FailureRatio,
                MinimumThroughput = options.CircuitBreaker.MinimumThroughput,
                SamplingDuration = options.CircuitBreaker.SamplingDuration,
                BreakDuration = options.CircuitBreaker.BreakDuration,
                StateProvider = _breakerState,
                // Only capacity problems open a model's breaker; a 429 is the key's quota, a 400 the caller's request.
                ShouldHandle = args => new ValueTask<bool>(
                    args.Outcome.Result?.Outcome.IsOverloadSignal == true ||
                    args.Outcome.Exception is TimeoutException),
            });
        }

        Breaker = builder.Build();
    }

    public string Model { get; }

    public ClientState Client { get; }

    public ResiliencePipeline<AttemptResult> Breaker { get; }

    public AdaptiveLimiter Limiter { get; }

    public AdaptiveThrottle Throttle { get; }

    /// <summary>
    /// Open (and its break not yet over) or isolated: calls should not go to this model now. Polly moves Open →
    /// HalfOpen only inside an execution, so once the break is over this turns false and the next call reaches the
    /// breaker as its half-open probe (concurrent ones get BrokenCircuitException and move on).
    /// </summary>
    public bool IsOpen
    {
        get
        {
            if (!Client.Options.CircuitBreaker.Enabled)
            {
                return false;
            }

            return _breakerState.CircuitState switch
            {
                CircuitState.Isolated => true,
                CircuitState.Open => Client.Time.GetUtcNow().UtcTicks < Interlocked.Read(ref _probeAtTicks),
                _ => false,
            };
        }
    }

    /// <summary>How long until the open breaker lets a probe through (zero when it is not open).</summary>
    public TimeSpan UntilProbe
    {
        get
        {
            var left = Interlocked.Read(ref _probeAtTicks) - Client.Time.GetUtcNow().UtcTicks;
            return IsOpen && left > 0 ? TimeSpan.FromTicks(left) : TimeSpan.Zero;
        }
    }

    /// <summary>Called after every execution through <see cref="Breaker"/>: when it is open, remember when its break ends.</summary>
    public void AfterExecution()
    {
        if (!Client.Options.CircuitBreaker.Enabled || _breakerState.CircuitState != CircuitState.Open)
        {
            return;
        }

        // A probe that failed (or the failure that opened it) starts a new break; an older in-flight call finishing
        // while open does not extend it, exactly like Polly's own blockedUntil.
        var now = Client.Time.GetUtcNow().UtcTicks;
        var current = Interlocked.Read(ref _probeAtTicks);
        if (now >= current)
        {
            Interlocked.CompareExchange(ref _probeAtTicks, now + Client.Options.CircuitBreaker.BreakDuration.Ticks, current);
        }
    }

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
    public void NoteOverload() => Interlocked.Exchange(ref _lastOverloadTicks, Client.Time.GetUtcNow().UtcTicks);

    public CircuitState BreakerState => Client.Options.CircuitBreaker.Enabled ? _breakerState.CircuitState : CircuitState.Closed;

    /// <summary>Feeds the limiter signal and the throttle from an attempt's outcome.</summary>
    public static LimitSignal SignalOf(Classification.Outcome outcome) => outcome.Kind switch
    {
        FailureKind.None => LimitSignal.Success,
        FailureKind.AttemptTimeout => LimitSignal.Overload,
        _ when outcome.IsOverloadSignal => LimitSignal.Overload,
        _ => LimitSignal.Neutral,
    };
}
