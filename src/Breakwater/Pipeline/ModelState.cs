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

    /// <summary>Open or isolated: calls should not go to this model now (half-open lets a probe through).</summary>
    public bool IsOpen => Client.Options.CircuitBreaker.Enabled && _breakerState.CircuitState is CircuitState.Open or CircuitState.Isolated;

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
