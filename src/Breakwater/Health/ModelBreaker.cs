using Polly;
using Polly.CircuitBreaker;

namespace Breakwater.Health;

/// <summary>
/// One model's circuit breaker: Polly's, fed only overload signals and attempt timeouts, plus what Polly does not
/// keep for us — when the current break ends. Polly moves Open → HalfOpen only inside an execution, so the break end
/// is remembered here and the first call after it goes through as the half-open probe.
/// </summary>
/// <typeparam name="TResult">What an execution returns.</typeparam>
internal sealed class ModelBreaker<TResult>
{
    private readonly CircuitBreakerStateProvider _state = new();
    private readonly CircuitBreakerOptions _options;
    private readonly TimeProvider _time;
    private long _probeAtTicks = long.MinValue;

    /// <param name="options">The breaker settings; a disabled breaker never opens.</param>
    /// <param name="time">The clock.</param>
    /// <param name="isFailure">Which results count against the model (overload signals, never a 429 or a 400).</param>
    public ModelBreaker(CircuitBreakerOptions options, TimeProvider time, Func<Outcome<TResult>, bool> isFailure)
    {
        _options = options;
        _time = time;
        var builder = new ResiliencePipelineBuilder<TResult> { TimeProvider = time };
        if (options.Enabled)
        {
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<TResult>
            {
                FailureRatio = options.FailureRatio,
                MinimumThroughput = options.MinimumThroughput,
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
                StateProvider = _state,
                ShouldHandle = args => new ValueTask<bool>(isFailure(args.Outcome)),
            });
        }

        Pipeline = builder.Build();
    }

    /// <summary>The Polly pipeline every attempt runs through (empty when the breaker is disabled).</summary>
    public ResiliencePipeline<TResult> Pipeline { get; }

    /// <summary>
    /// Open (and its break not yet over) or isolated: calls should not go to this model now. Once the break is over
    /// this turns false and the next call reaches the breaker as its half-open probe (concurrent ones get
    /// <see cref="BrokenCircuitException"/> and move on).
    /// </summary>
    public bool IsOpen
    {
        get
        {
            if (!_options.Enabled)
            {
                return false;
            }

            return _state.CircuitState switch
            {
                CircuitState.Isolated => true,
                CircuitState.Open => _time.GetUtcNow().UtcTicks < Interlocked.Read(ref _probeAtTicks),
                _ => false,
            };
        }
    }

    /// <summary>How long until the open breaker lets a probe through (zero when it is not open).</summary>
    public TimeSpan UntilProbe
    {
        get
        {
            var left = Interlocked.Read(ref _probeAtTicks) - _time.GetUtcNow().UtcTicks;
            return IsOpen && left > 0 ? TimeSpan.FromTicks(left) : TimeSpan.Zero;
        }
    }

    /// <summary>
    /// Polly's state (closed when the breaker is disabled), except that an open breaker whose break is over reads
    /// half-open: Polly itself moves on only inside an execution, so without live traffic it would read open forever.
    /// The next call through it (a live call, or a deferred job the worker sends as the probe) is the half-open trial.
    /// </summary>
    public CircuitState State
    {
        get
        {
            if (!_options.Enabled)
            {
                return CircuitState.Closed;
            }

            var state = _state.CircuitState;
            return state == CircuitState.Open && !IsOpen ? CircuitState.HalfOpen : state;
        }
    }

    /// <summary>Called after every execution through <see cref="Pipeline"/>: when it is open, remember when its break ends.</summary>
    public void AfterExecution()
    {
        if (!_options.Enabled || _state.CircuitState != CircuitState.Open)
        {
            return;
        }

        // A probe that failed (or the failure that opened it) starts a new break; an older in-flight call finishing
        // while open does not extend it, exactly like Polly's own blockedUntil.
        var now = _time.GetUtcNow().UtcTicks;
        var current = Interlocked.Read(ref _probeAtTicks);
        if (now >= current)
        {
            Interlocked.CompareExchange(ref _probeAtTicks, now + _options.BreakDuration.Ticks, current);
        }
    }
}
