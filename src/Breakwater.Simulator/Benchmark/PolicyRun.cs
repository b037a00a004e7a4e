using System.Net;
using System.Text;
using Breakwater.Simulator.Scenarios;
using Breakwater.Simulator.Time;

namespace Breakwater.Simulator.Benchmark;

/// <summary>
/// One (scenario, policy) run in virtual time: one clock, one simulator, 50 clients each with its own policy state over
/// the one shared simulator handler, the planned arrivals started from a timer, every call cancelled at its deadline D.
/// Must run on a thread without a SynchronizationContext; everything then runs on that thread.
/// </summary>
internal sealed class PolicyRun
{
    private static readonly byte[] MessageStop = Encoding.UTF8.GetBytes("event: message_stop");
    private static readonly byte[] ErrorEvent = Encoding.UTF8.GetBytes("event: error");

    private readonly Scenario _scenario;
    private readonly IReadOnlyList<PlannedRequest> _plan;
    private readonly VirtualTimeProvider _clock;
    private readonly RunTrace _trace;
    private readonly HttpMessageInvoker[] _clients;
    private readonly TimeSpan _deadline;
    private readonly DateTimeOffset _origin;
    private int _next;
    private ITimer? _arrivals;

    private PolicyRun(Scenario scenario, IReadOnlyList<PlannedRequest> plan, string policy, int seed, int clients, Action<BreakwaterOptions>? configure, Simulator simulator, VirtualTimeProvider clock)
    {
        _clock = clock;
        _scenario = scenario;
        _plan = plan;
        _trace = new RunTrace(plan);
        _deadline = TimeSpan.FromSeconds(scenario.DeadlineSeconds);
        _origin = simulator.ScenarioStart;
        var upstream = simulator.CreateHandler();
        var attemptTimeout = TimeSpan.FromSeconds(scenario.AttemptTimeoutSeconds);
        var policyIndex = Math.Max(0, BenchPolicies.All.ToList().IndexOf(policy));
        _clients = new HttpMessageInvoker[clients];
        for (var i = 0; i < clients; i++)
        {
            var random = new Random(unchecked((seed * 1_000_003) + (policyIndex * 10_007) + i));
            var tap = new UpstreamTap(_trace, _clock, _origin, scenario, upstream);
            HttpMessageHandler handler = policy switch
            {
                BenchPolicies.None => new NoRetryHandler(_clock, attemptTimeout) { InnerHandler = tap },
                BenchPolicies.SdkDefault => new SdkDefaultHandler(_clock, random, attemptTimeout) { InnerHandler = tap },
                BenchPolicies.Naive529 => new Naive529Handler(_clock, random, attemptTimeout) { InnerHandler = tap },
                BenchPolicies.PollyStandard => new PollyStandardHandler(_clock, random, attemptTimeout) { InnerHandler = tap },
                BenchPolicies.Breakwater => new BreakwaterHandler(BreakwaterOptionsFor(scenario, i, configure), _clock, random) { InnerHandler = tap },
                _ => throw new ArgumentException($"Unknown policy '{policy}'.", nameof(policy)),
            };
            _clients[i] = new HttpMessageInvoker(handler, disposeHandler: false);
        }
    }

    /// <summary>The options every breakwater client gets: the product defaults, the scenario's deadline and attempt timeout, its fallback chain.</summary>
    public static BreakwaterOptions BreakwaterOptionsFor(Scenario scenario, int client, Action<BreakwaterOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var options = new BreakwaterOptions
        {
            Name = "client-" + client.ToString(System.Globalization.CultureInfo.InvariantCulture),
            AttemptTimeout = TimeSpan.FromSeconds(scenario.AttemptTimeoutSeconds),
            TotalDeadline = TimeSpan.FromSeconds(scenario.DeadlineSeconds),
        };
        if (scenario.FallbackChain.Count >= 2)
        {
            options.Fallback.Add([.. scenario.FallbackChain]);
        }

        configure?.Invoke(options);
        return options;
    }

    public static RunTrace Run(Scenario scenario, IReadOnlyList<PlannedRequest> plan, string policy, int seed, int clients = ArrivalPlan.DefaultClients, Action<BreakwaterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(plan);
        var clock = new VirtualTimeProvider();
        using var simulator = new Simulator(new SimulatorOptions { Scenario = scenario, Seed = seed, TimeProvider = clock });
        var run = new PolicyRun(scenario, plan, policy, seed, clients, configure, simulator, clock);
        return run.Execute();
    }

    private RunTrace Execute()
    {
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            if (_plan.Count > 0)
            {
                _arrivals = _clock.CreateTimer(static s => ((PolicyRun)s!).OnArrivals(), this, Due(_plan[0]), Timeout.InfiniteTimeSpan);
            }

            _clock.RunUntil(_origin + TimeSpan.FromSeconds(_scenario.RunSeconds) + _deadline + TimeSpan.FromSeconds(1));
            _arrivals?.Dispose();
            return _trace;
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    private TimeSpan Due(PlannedRequest plan)
    {
        var due = _origin + TimeSpan.FromSeconds(plan.ArrivalSeconds) - _clock.GetUtcNow();
        return due > TimeSpan.Zero ? due : TimeSpan.Zero;
    }

    private void OnArrivals()
    {
        var now = _clock.GetUtcNow();
        while (_next < _plan.Count && _origin + TimeSpan.FromSeconds(_plan[_next].ArrivalSeconds) <= now)
        {
            var plan = _plan[_next++];
            _ = CallAsync(plan);
        }

        if (_next < _plan.Count)
        {
            _arrivals!.Change(Due(_plan[_next]), Timeout.InfiniteTimeSpan);
        }
    }

    private async Task CallAsync(PlannedRequest plan)
    {
        var started = _clock.GetUtcNow();
        using var deadline = new CancellationTokenSource(_deadline, _clock);
        using var request = BenchRequests.Create(plan);
        var outcome = default(RequestOutcome);
        try
        {
            using var response = await _clients[plan.Client].SendAsync(request, deadline.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var body = await response.Content.ReadAsByteArrayAsync(deadline.Token).ConfigureAwait(false);
                outcome = Judge(body, IsStream(response), plan, _clock.GetUtcNow() - started);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException or TimeoutException or InvalidOperationException or BreakwaterException)
        {
            // The call failed as its caller would see it: deadline, transport, policy gave up.
        }

        _trace.Outcomes[plan.Index] = outcome;
    }

    private static bool IsStream(HttpResponseMessage response)
        => response.Content.Headers.ContentType?.MediaType is { } media && media.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase);

    /// <summary>A 200 body as its caller would judge it: a whole message, a stream that reached message_stop, or neither.</summary>
    internal static RequestOutcome Judge(byte[] body, bool stream, PlannedRequest plan, TimeSpan latency)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(plan);
        var span = body.AsSpan();
        if (stream)
        {
            if (span.IndexOf(MessageStop) >= 0 && span.IndexOf(ErrorEvent) < 0)
            {
                return new RequestOutcome { Succeeded = true, LatencyMs = latency.TotalMilliseconds, ServedModel = UpstreamTap.ModelOf(span) ?? plan.Model.Name };
            }

            // An error event tells the caller it failed; a clean end without message_stop claims success wrongly.
            return new RequestOutcome { Truncated = span.IndexOf(ErrorEvent) < 0 };
        }

        return span.IndexOf("\"type\":\"message\""u8) >= 0
            ? new RequestOutcome { Succeeded = true, LatencyMs = latency.TotalMilliseconds, ServedModel = UpstreamTap.ModelOf(span) ?? plan.Model.Name }
            : default;
    }
}
