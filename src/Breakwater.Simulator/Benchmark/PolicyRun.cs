using System.Net;
using System.Text;
using Breakwater.Deferral;
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
    private readonly HttpMessageHandler[] _handlers;
    private readonly SimulatedUpstream _upstream;
    private readonly TimeSpan _deadline;
    private readonly DateTimeOffset _origin;
    private readonly Deferrals? _deferrals;
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
        _upstream = simulator.CreateHandler();
        var attemptTimeout = TimeSpan.FromSeconds(scenario.AttemptTimeoutSeconds);
        // breakwater-defer draws the same jitter as breakwater: both runs are identical until the first deferral.
        var defer = policy == BenchPolicies.BreakwaterDefer && scenario.Deferral is not null;
        var policyIndex = BenchPolicies.SeedIndex(defer ? BenchPolicies.Breakwater : policy);
        _clients = new HttpMessageInvoker[clients];
        _handlers = new HttpMessageHandler[clients];
        var breakwaterHandlers = new BreakwaterHandler[clients];
        for (var i = 0; i < clients; i++)
        {
            var random = new Random(unchecked((seed * 1_000_003) + (policyIndex * 10_007) + i));
            var tap = new UpstreamTap(_trace, _clock, _origin, scenario, _upstream);
            _handlers[i] = policy switch
            {
                BenchPolicies.None => new NoRetryHandler(_clock, attemptTimeout) { InnerHandler = tap },
                BenchPolicies.SdkDefault => new SdkDefaultHandler(_clock, random, attemptTimeout) { InnerHandler = tap },
                BenchPolicies.Naive529 => new Naive529Handler(_clock, random, attemptTimeout) { InnerHandler = tap },
                BenchPolicies.PollyStandard => new PollyStandardHandler(_clock, random, attemptTimeout) { InnerHandler = tap },
                BenchPolicies.AgentTen => new AgentTenHandler(_clock, random, attemptTimeout) { InnerHandler = tap },
                BenchPolicies.LiteLlmRouter => new LiteLlmRouterHandler(_clock, random, attemptTimeout, scenario.FallbackChain) { InnerHandler = tap },
                BenchPolicies.Portkey => new PortkeyHandler(_clock, attemptTimeout) { InnerHandler = tap },
                BenchPolicies.Breakwater or BenchPolicies.BreakwaterDefer => breakwaterHandlers[i] = new BreakwaterHandler(BreakwaterOptionsFor(scenario, i, configure), _clock, random) { InnerHandler = tap },
                _ => throw new ArgumentException($"Unknown policy '{policy}'.", nameof(policy)),
            };
            _clients[i] = new HttpMessageInvoker(_handlers[i], disposeHandler: false);
        }

        if (defer)
        {
            _deferrals = new Deferrals(this, breakwaterHandlers);
            _trace.Deferred = new DeferredOutcome?[plan.Count];
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
        try
        {
            return run.Execute();
        }
        finally
        {
            run.DisposeClients();
        }
    }

    /// <summary>Disposes each client's policy handler (and through it the tap), then the shared simulator handler.</summary>
    private void DisposeClients()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        foreach (var handler in _handlers)
        {
            handler.Dispose();
        }

        _upstream.Dispose();
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

            var tail = _deadline;
            if (_deferrals is not null)
            {
                _deferrals.Start();
                tail = TimeSpan.FromSeconds(Math.Max(_deadline.TotalSeconds, _scenario.Deferral!.DeadlineSeconds)) + Deferrals.PollInterval;
            }

            _clock.RunUntil(_origin + TimeSpan.FromSeconds(_scenario.RunSeconds) + tail + TimeSpan.FromSeconds(1));
            _arrivals?.Dispose();
            _deferrals?.Finish(_trace);
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

        // The live call is exactly what it is without deferral (same deadline D); only its failure is handled differently.
        var deferrable = _deferrals is not null && plan.Deferrable;
        using var deadline = new CancellationTokenSource(_deadline, _clock);
        using var request = BenchRequests.Create(plan);
        var outcome = default(RequestOutcome);
        var defer = false;
        try
        {
            using var response = await _clients[plan.Client].SendAsync(request, deadline.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var body = await response.Content.ReadAsByteArrayAsync(deadline.Token).ConfigureAwait(false);
                outcome = Judge(body, IsStream(response), plan, _clock.GetUtcNow() - started);
            }
            else
            {
                defer = deferrable && DeferralPolicy.IsDeferrable(response);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException or TimeoutException or InvalidOperationException or BreakwaterException)
        {
            // The call failed as its caller would see it: deadline, transport, policy gave up. A caller whose own deadline
            // passed while Breakwater was still holding the call (in its queue, or waiting out a breaker) could not be
            // served now either: it defers too.
            defer = deferrable && (DeferralPolicy.IsDeferrable(e) || (e is OperationCanceledException && deadline.IsCancellationRequested));
        }

        _trace.Outcomes[plan.Index] = outcome;
        if (defer)
        {
            await _deferrals!.DeferAsync(plan).ConfigureAwait(false);
        }
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

    /// <summary>
    /// breakwater-defer: per client, as an application would wire the library, a job store and a
    /// <see cref="DeferralWorker"/> over that client's own <see cref="BreakwaterHandler"/> (so the worker sees the same
    /// health and adaptive limit as the client's live calls). The workers are polled from a timer on the virtual clock.
    /// </summary>
    private sealed class Deferrals
    {
        public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

        /// <summary>
        /// Jobs each of the 50 clients (application instances) sends at once: 50 fleet-wide, about the spare capacity
        /// of the model after the incident. The library default (4) is sized for one gateway; a fleet of instances
        /// that each drain their own queue must share that out (see docs/deferral.md).
        /// </summary>
        public const int JobsPerClient = 1;

        private readonly PolicyRun _run;
        private readonly MemoryJobStore[] _stores;
        private readonly DeferralWorker[] _workers;
        private readonly Dictionary<(int Client, string Id), PlannedRequest> _plans = [];
        private ITimer? _poll;

        public Deferrals(PolicyRun run, BreakwaterHandler[] handlers)
        {
            _run = run;
            _stores = new MemoryJobStore[handlers.Length];
            _workers = new DeferralWorker[handlers.Length];
            for (var i = 0; i < handlers.Length; i++)
            {
                var client = i;
                _stores[i] = new MemoryJobStore(run._clock);
                _workers[i] = new DeferralWorker(
                    _stores[i],
                    run._clients[i],
                    handlers[i].GetHealth,
                    new DeferralWorkerOptions
                    {
                        PollInterval = PollInterval,
                        TrackCounts = false,
                        MaxInFlight = JobsPerClient,
                        UpstreamBaseAddress = BenchRequests.BaseAddress,
                        PrepareRequest = (job, request, _) =>
                        {
                            request.Headers.TryAddWithoutValidation("x-api-key", BenchRequests.ApiKey);
                            request.Options.Set(UpstreamTap.PlanOption, _plans[(client, job.Id)]);
                            return Task.CompletedTask;
                        },
                    },
                    run._clock);
            }
        }

        public void Start() =>
            _poll = _run._clock.CreateTimer(static s => ((Deferrals)s!).Poll(), this, PollInterval, PollInterval);

        public async Task DeferAsync(PlannedRequest plan)
        {
            using var request = BenchRequests.Create(plan);
            var deferred = await DeferredRequest.FromAsync(request).ConfigureAwait(false);
            var deadline = _run._origin + TimeSpan.FromSeconds(plan.ArrivalSeconds + _run._scenario.Deferral!.DeadlineSeconds);
            var result = await _stores[plan.Client].EnqueueAsync("bench", null, plan.Model.Name, deferred, deadline).ConfigureAwait(false);
            _plans[(plan.Client, result.Job.Id)] = plan;
        }

        public void Finish(RunTrace trace)
        {
            _poll?.Dispose();
            for (var client = 0; client < _stores.Length; client++)
            {
                foreach (var job in _stores[client].All)
                {
                    var plan = _plans[(client, job.Id)];
                    var arrival = _run._origin + TimeSpan.FromSeconds(plan.ArrivalSeconds);
                    trace.Deferred![plan.Index] = new DeferredOutcome
                    {
                        State = job.State,
                        Attempts = job.Attempts,
                        Succeeded = job.State == DeferredJobState.Succeeded && job.CompletedAt <= job.Deadline
                            && job.Response is { } answer && Judge(answer.Body.ToArray(), stream: false, plan, TimeSpan.Zero).Succeeded,
                        CompletedAfterSeconds = job.CompletedAt is { } done ? (done - arrival).TotalSeconds : 0,
                    };
                }
            }
        }

        private void Poll()
        {
            foreach (var worker in _workers)
            {
                _ = worker.RunOnceAsync();
            }
        }
    }
}
