using System.Net;
using System.Text;
using Breakwater.Deferral;
using Breakwater.Simulator.Scenarios;
using Breakwater.Simulator.Time;

namespace Breakwater.Simulator.Benchmark;

/// <summary>
/// One (scenario, policy, mode) run in virtual time: one clock, one simulator, 50 clients over the one shared
/// simulator handler, the planned arrivals started from a timer, every call cancelled at its deadline D. The mode
/// (<see cref="BenchMode"/>) decides which policy instance serves which client: each its own (<c>clients</c>), one for
/// all (<c>gateway</c>), or the tested policy on clients 0–9 and the background policy on the rest (<c>tenant</c>).
/// Must run on a thread without a SynchronizationContext; everything then runs on that thread.
/// </summary>
internal sealed class PolicyRun
{
    /// <summary>Most jobs the gateway's deferral worker sends at once (its default, <c>Breakwater:Deferral:MaxInFlight</c>).</summary>
    public const int GatewayJobsInFlight = 4;

    /// <summary>The gateway's floor of the adaptive limit (its default <c>Breakwater:Concurrency:MinLimit</c>).</summary>
    public const int GatewayMinLimit = 4;

    private static readonly byte[] MessageStop = Encoding.UTF8.GetBytes("event: message_stop");
    private static readonly byte[] ErrorEvent = Encoding.UTF8.GetBytes("event: error");

    private readonly Scenario _scenario;
    private readonly IReadOnlyList<PlannedRequest> _plan;
    private readonly VirtualTimeProvider _clock;
    private readonly BenchMode _mode;
    private readonly RunTrace _trace;
    private readonly RunTrace? _background;
    private readonly HttpMessageInvoker[] _clients;
    private readonly HttpMessageInvoker[] _invokers;
    private readonly HttpMessageHandler[] _handlers;
    private readonly int[] _instanceOf;
    private readonly SimulatedUpstream _upstream;
    private readonly TimeSpan _deadline;
    private readonly DateTimeOffset _origin;
    private readonly Deferrals? _deferrals;
    private readonly Simulator _simulator;
    private readonly string _policy;
    private readonly List<BreakwaterHandler> _breakwaterHandlers;
    private int _next;
    private ITimer? _arrivals;

    private PolicyRun(Scenario scenario, IReadOnlyList<PlannedRequest> plan, string policy, int seed, int clients, Action<BreakwaterOptions>? configure, Simulator simulator, VirtualTimeProvider clock, BenchMode mode)
    {
        _clock = clock;
        _scenario = scenario;
        _plan = plan;
        _mode = mode;
        _trace = new RunTrace(plan);
        _background = mode.Kind == BenchModeKind.Tenant ? new RunTrace(plan) : null;
        _deadline = TimeSpan.FromSeconds(scenario.DeadlineSeconds);
        _origin = simulator.ScenarioStart;
        _upstream = simulator.CreateHandler();

        // breakwater-defer draws the same jitter as breakwater: both runs are identical until the first deferral.
        var defer = policy == BenchPolicies.BreakwaterDefer && scenario.Deferral is not null;
        var gateway = mode.Kind == BenchModeKind.Gateway;
        var instances = gateway ? 1 : clients;
        _handlers = new HttpMessageHandler[instances];
        _invokers = new HttpMessageInvoker[instances];
        var breakwaterHandlers = new BreakwaterHandler?[instances];
        _simulator = simulator;
        _policy = policy;
        _breakwaterHandlers = [];
        for (var i = 0; i < instances; i++)
        {
            var tested = mode.IsTested(i);
            var instancePolicy = tested ? policy : mode.Background!;
            var policyIndex = BenchPolicies.SeedIndex(tested && defer ? BenchPolicies.Breakwater : instancePolicy);
            var random = new Random(unchecked((seed * 1_000_003) + (policyIndex * 10_007) + i));
            var tap = new UpstreamTap(tested ? _trace : _background!, _clock, _origin, scenario, _upstream);
            var options = instancePolicy is BenchPolicies.Breakwater or BenchPolicies.BreakwaterDefer
                ? (gateway ? GatewayOptionsFor(scenario, configure) : BreakwaterOptionsFor(scenario, i, configure))
                : null;
            _handlers[i] = CreateHandler(instancePolicy, scenario, options, _clock, random, tap);
            if (_handlers[i] is BreakwaterHandler breakwater)
            {
                _breakwaterHandlers.Add(breakwater);
            }
            if (tested && defer)
            {
                breakwaterHandlers[i] = (BreakwaterHandler)_handlers[i];
            }

            _invokers[i] = new HttpMessageInvoker(_handlers[i], disposeHandler: false);
        }

        _instanceOf = new int[clients];
        _clients = new HttpMessageInvoker[clients];
        for (var c = 0; c < clients; c++)
        {
            _instanceOf[c] = gateway ? 0 : c;
            _clients[c] = _invokers[_instanceOf[c]];
        }

        if (defer)
        {
            _deferrals = new Deferrals(this, breakwaterHandlers, gateway ? GatewayJobsInFlight : Deferrals.JobsPerClient);
            _trace.Deferred = new DeferredOutcome?[plan.Count];
        }
    }

    /// <summary>The policy handler of one client (clients, tenant) or of all (gateway), over that instance's tap.</summary>
    private static HttpMessageHandler CreateHandler(string policy, Scenario scenario, BreakwaterOptions? options, TimeProvider clock, Random random, UpstreamTap tap)
    {
        var attemptTimeout = TimeSpan.FromSeconds(scenario.AttemptTimeoutSeconds);
        return policy switch
        {
            BenchPolicies.None => new NoRetryHandler(clock, attemptTimeout) { InnerHandler = tap },
            BenchPolicies.SdkDefault => new SdkDefaultHandler(clock, random, attemptTimeout) { InnerHandler = tap },
            BenchPolicies.AgentTen => new AgentTenHandler(clock, random, attemptTimeout) { InnerHandler = tap },
            BenchPolicies.LiteLlmRouter => new LiteLlmRouterHandler(clock, random, attemptTimeout, scenario.FallbackChain) { InnerHandler = tap },
            BenchPolicies.Portkey => new PortkeyHandler(clock, attemptTimeout) { InnerHandler = tap },
            BenchPolicies.Naive529 => new Naive529Handler(clock, random, attemptTimeout) { InnerHandler = tap },
            BenchPolicies.PollyStandard => new PollyStandardHandler(clock, random, attemptTimeout) { InnerHandler = tap },
            BenchPolicies.Breakwater or BenchPolicies.BreakwaterDefer => new BreakwaterHandler(options!, clock, random) { InnerHandler = tap },
            _ => throw new ArgumentException($"Unknown policy '{policy}'.", nameof(policy)),
        };
    }

    /// <summary>The options every breakwater client gets: the product defaults, the scenario's deadline and attempt timeout, its fallback chain.</summary>
    public static BreakwaterOptions BreakwaterOptionsFor(Scenario scenario, int client, Action<BreakwaterOptions>? configure)
        => OptionsFor(scenario, "client-" + client.ToString(System.Globalization.CultureInfo.InvariantCulture), minLimit: null, configure);

    /// <summary>
    /// The options of the one breakwater instance of gateway mode: what <c>breakwater serve</c> sets on top of the
    /// product defaults (name <c>gateway</c>, <c>Concurrency:MinLimit</c> 4, see GatewayOptions.Breakwater), then the
    /// scenario's deadline, attempt timeout and fallback chain, as a gateway configured for that traffic would have.
    /// </summary>
    public static BreakwaterOptions GatewayOptionsFor(Scenario scenario, Action<BreakwaterOptions>? configure)
        => OptionsFor(scenario, "gateway", GatewayMinLimit, configure);

    private static BreakwaterOptions OptionsFor(Scenario scenario, string name, int? minLimit, Action<BreakwaterOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var options = new BreakwaterOptions
        {
            Name = name,
            AttemptTimeout = TimeSpan.FromSeconds(scenario.AttemptTimeoutSeconds),
            TotalDeadline = TimeSpan.FromSeconds(scenario.DeadlineSeconds),
        };
        if (minLimit is { } min)
        {
            options.Concurrency.MinLimit = min;
        }

        if (scenario.FallbackChain.Count >= 2)
        {
            options.Fallback.Add([.. scenario.FallbackChain]);
        }

        configure?.Invoke(options);
        return options;
    }

    /// <summary>A run in <c>clients</c> mode: the trace of every request.</summary>
    public static RunTrace Run(Scenario scenario, IReadOnlyList<PlannedRequest> plan, string policy, int seed, int clients = ArrivalPlan.DefaultClients, Action<BreakwaterOptions>? configure = null)
        => Run(scenario, plan, policy, seed, BenchMode.Clients, clients, configure).Tested;

    /// <summary>A run in <paramref name="mode"/>: the tested share's trace (every request outside tenant modes) and the background's.</summary>
    public static ModeTrace Run(Scenario scenario, IReadOnlyList<PlannedRequest> plan, string policy, int seed, BenchMode mode, int clients = ArrivalPlan.DefaultClients, Action<BreakwaterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(mode);
        var clock = new VirtualTimeProvider();
        using var simulator = new Simulator(new SimulatorOptions { Scenario = scenario, Seed = seed, TimeProvider = clock });
        var run = new PolicyRun(scenario, plan, policy, seed, clients, configure, simulator, clock, mode);
        try
        {
            var trace = run.Execute();
            return run._background is not { } background
                ? new ModeTrace(trace, null)
                : new ModeTrace(Share(plan, trace, mode.IsTested), Share(plan, background, c => !mode.IsTested(c)));
        }
        finally
        {
            run.DisposeClients();
        }
    }

    /// <summary>The requests of the clients <paramref name="keep"/> picks, with their outcomes and the attempts their taps saw.</summary>
    private static RunTrace Share(IReadOnlyList<PlannedRequest> plan, RunTrace trace, Func<int, bool> keep)
    {
        var share = new RunTrace([.. plan.Where(p => keep(p.Client))]);
        for (var k = 0; k < share.Plan.Count; k++)
        {
            var index = share.Plan[k].Index;
            share.Outcomes[k] = trace.Outcomes[index];
            share.AttemptsPerRequest[k] = trace.AttemptsPerRequest[index];
        }

        share.AttemptTimes.AddRange(trace.AttemptTimes);
        share.EarlyRetries = trace.EarlyRetries;
        if (trace.Deferred is { } deferred)
        {
            share.Deferred = [.. share.Plan.Select(p => deferred[p.Index])];
        }

        return share;
    }

    /// <summary>Disposes each policy instance (and through it the tap), then the shared simulator handler.</summary>
    private void DisposeClients()
    {
        foreach (var invoker in _invokers)
        {
            invoker.Dispose();
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
            if (_background is null)
            {
                // Upstream work is the whole upstream's: in a tenant run it is shared with the background clients.
                _trace.UpstreamStarts = _scenario.Models.Sum(m => _simulator.Capacity.Snapshot(m.Name).Started);
            }

            RunInvariant.Check(_scenario.Name, _policy, _trace, _breakwaterHandlers.SelectMany(h => h.GetHealth()));
            if (_background is not null)
            {
                RunInvariant.Check(_scenario.Name, _mode.Background + " (background)", _background, []);
            }
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
        var deferrable = _deferrals is not null && plan.Deferrable && _mode.IsTested(plan.Client);
        using var deadline = new CancellationTokenSource(_deadline, _clock);
        using var request = BenchRequests.Create(plan, _mode.IsTested(plan.Client) ? BenchRequests.ApiKey : BenchRequests.BackgroundApiKey);
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

        (_mode.IsTested(plan.Client) ? _trace : _background!).Outcomes[plan.Index] = outcome;
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
    /// breakwater-defer: per breakwater instance, as an application (or the gateway) would wire the library, a job store
    /// and a <see cref="DeferralWorker"/> over that instance's own <see cref="BreakwaterHandler"/> (so the worker sees
    /// the same health and adaptive limit as its live calls): one per tested client, or the gateway's one with its
    /// <see cref="GatewayJobsInFlight"/> jobs at once. The workers are polled from a timer on the virtual clock.
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
        private readonly MemoryJobStore?[] _stores;
        private readonly List<DeferralWorker> _workers = [];
        private readonly Dictionary<(int Instance, string Id), PlannedRequest> _plans = [];
        private ITimer? _poll;

        /// <summary>A store and a worker per breakwater instance in <paramref name="handlers"/> (null: not the tested policy).</summary>
        public Deferrals(PolicyRun run, BreakwaterHandler?[] handlers, int jobsInFlight)
        {
            _run = run;
            _stores = new MemoryJobStore?[handlers.Length];
            for (var i = 0; i < handlers.Length; i++)
            {
                if (handlers[i] is not { } handler)
                {
                    continue;
                }

                var instance = i;
                _stores[i] = new MemoryJobStore(run._clock);
                _workers.Add(new DeferralWorker(
                    _stores[i]!,
                    run._invokers[i],
                    handler.GetHealth,
                    new DeferralWorkerOptions
                    {
                        PollInterval = PollInterval,
                        TrackCounts = false,
                        MaxInFlight = jobsInFlight,
                        UpstreamBaseAddress = BenchRequests.BaseAddress,
                        PrepareRequest = (job, request, _) =>
                        {
                            request.Headers.TryAddWithoutValidation("x-api-key", BenchRequests.ApiKey);
                            request.Options.Set(UpstreamTap.PlanOption, _plans[(instance, job.Id)]);
                            return Task.CompletedTask;
                        },
                    },
                    run._clock));
            }
        }

        public void Start() =>
            _poll = _run._clock.CreateTimer(static s => ((Deferrals)s!).Poll(), this, PollInterval, PollInterval);

        public async Task DeferAsync(PlannedRequest plan)
        {
            using var request = BenchRequests.Create(plan);
            var deferred = await DeferredRequest.FromAsync(request).ConfigureAwait(false);
            var deadline = _run._origin + TimeSpan.FromSeconds(plan.ArrivalSeconds + _run._scenario.Deferral!.DeadlineSeconds);
            var instance = _run._instanceOf[plan.Client];
            var result = await _stores[instance]!.EnqueueAsync("bench", null, plan.Model.Name, deferred, deadline).ConfigureAwait(false);
            _plans[(instance, result.Job.Id)] = plan;
        }

        public void Finish(RunTrace trace)
        {
            _poll?.Dispose();
            for (var instance = 0; instance < _stores.Length; instance++)
            {
                foreach (var job in _stores[instance]?.All ?? [])
                {
                    var plan = _plans[(instance, job.Id)];
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
