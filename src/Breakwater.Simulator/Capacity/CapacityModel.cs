using Breakwater.Simulator.Scenarios;

namespace Breakwater.Simulator.Capacity;

/// <summary>
/// The upstream's capacity, per model: C(t) = C × c(t) slots; a free slot serves at once; else a FIFO queue bounded at
/// QueueSeconds × c(t) × μ entries; else a 529 that holds a slot for the rejection cost. Work that started always
/// runs its full service time (a client that gives up frees nothing), and running work finishes when capacity drops.
/// What the real API does under overload is not published, so the rest is the scenario's choice: the queue bound's
/// form (<see cref="Scenario.QueueBound"/>), whether abandoned queued work is still served, a server-side queue
/// timeout, a slowdown of work started from the queue, and 529s regardless of load (<see cref="Scenario.RandomOverload"/>).
/// Also the per-key rate-limit buckets and every random draw of the simulator.
/// <para>Thread-safe (one lock) for the real-time server, yet it never hops threads: it completes plain
/// TaskCompletionSources from timer callbacks, outside its lock, so under a <see cref="Time.VirtualTimeProvider"/>
/// everything runs on the thread that drives the clock, in an order fixed by the seed.</para>
/// </summary>
internal sealed class CapacityModel : IDisposable
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly Dictionary<string, ModelPool> _pools = new(StringComparer.Ordinal);
    private readonly RateLimitBook _limits;
    private readonly List<ITimer> _boundaryTimers = [];
    private readonly HashSet<TimerBox> _liveTimers = [];
    private bool _disposed;

    public CapacityModel(Scenario scenario, TimeProvider time, Random random)
    {
        Scenario = scenario;
        _time = time;
        _random = random;
        Origin = time.GetUtcNow();
        _limits = new RateLimitBook(scenario.RateLimits ?? ScenarioRateLimits.Unlimited, time);
        foreach (var model in scenario.Models)
        {
            _pools[model.Name] = new ModelPool(model);
        }

        // Capacity that comes back must drain the queues at once, not at the next arrival.
        var boundaries = scenario.Incidents.SelectMany(i => new[] { i.StartSeconds, i.EndSeconds }).Where(t => t > 0).Distinct().Order();
        foreach (var t in boundaries)
        {
            _boundaryTimers.Add(time.CreateTimer(static s => ((CapacityModel)s!).OnBoundary(), this, TimeSpan.FromSeconds(t), Timeout.InfiniteTimeSpan));
        }
    }

    public Scenario Scenario { get; }

    /// <summary>Scenario time zero.</summary>
    public DateTimeOffset Origin { get; }

    /// <summary>Scenario seconds elapsed.</summary>
    public double Now => (_time.GetUtcNow() - Origin).TotalSeconds;

    public TimeProvider Time => _time;

    public string NewId(string prefix, int length = 24)
    {
        lock (_lock)
        {
            return NewIdLocked(prefix, length);
        }
    }

    public double NextDouble()
    {
        lock (_lock)
        {
            return _random.NextDouble();
        }
    }

    public RateLimitResult TryAdmitRate(string key, int inputTokens)
    {
        lock (_lock)
        {
            return _limits.TryAdmit(key, inputTokens);
        }
    }

    public IReadOnlyList<KeyValuePair<string, string>> RateLimitHeaders(string key)
    {
        lock (_lock)
        {
            return _limits.Peek(key);
        }
    }

    public int SlotsAt(ScenarioModel model, double t) => (int)Math.Floor((model.Slots * Scenario.CapacityAt(model, t)) + 1e-9);

    public int QueueBoundAt(ScenarioModel model, double t) => Scenario.QueueBound switch
    {
        ScenarioQueueBound.None => 0,
        ScenarioQueueBound.Entries => (int)Math.Floor((Scenario.QueueSeconds * model.Mu) + 1e-9),
        _ => (int)Math.Floor((Scenario.QueueSeconds * Scenario.CapacityAt(model, t) * model.Mu) + 1e-9),
    };

    public Admission Admit(ScenarioModel model, ServiceRequest request)
    {
        lock (_lock)
        {
            var pool = _pools[model.Name];
            var t = Now;
            if (Scenario.RandomOverload is { } ro && InWindow(t, ro.StartSeconds, ro.EndSeconds) && _random.NextDouble() < ro.Fraction)
            {
                pool.RandomRejected++;
                return RejectLocked(pool, t);
            }

            if (pool.Queue.Count == 0 && pool.Busy < SlotsAt(model, t))
            {
                var ticket = StartLocked(pool, request, t, fromQueue: false);
                return new Admission { Kind = AdmissionKind.Started, Ticket = Task.FromResult(ticket) };
            }

            if (pool.Queue.Count < QueueBoundAt(model, t))
            {
                var waiter = new QueueWaiter(request, pool);
                waiter.Node = pool.Queue.AddLast(waiter);
                if (Scenario.QueueTimeoutSeconds is { } timeout)
                {
                    ArmLocked(TimeSpan.FromSeconds(timeout), waiter, static (model, state) => model.OnQueueTimeout((QueueWaiter)state));
                }

                return new Admission { Kind = AdmissionKind.Queued, Ticket = waiter.Started.Task, Waiter = waiter };
            }

            return RejectLocked(pool, t);
        }
    }

    /// <summary>The client of a queued request left: takes the request out of the queue, or with
    /// <see cref="Scenario.ServeAbandonedQueued"/> leaves it there to be served for nobody. <c>false</c> when it had
    /// already started or left the queue (the caller then keeps whatever outcome the request had).</summary>
    public bool Abandon(QueueWaiter waiter)
    {
        lock (_lock)
        {
            if (waiter.Node?.List is null || waiter.Abandoned)
            {
                return false;
            }

            waiter.Abandoned = true;
            if (Scenario.ServeAbandonedQueued)
            {
                waiter.Pool.Abandoned++;
                return true;
            }

            waiter.Pool.Queue.Remove(waiter.Node);
            waiter.Node = null;
            waiter.Pool.Abandoned++;
            return true;
        }
    }

    public PoolSnapshot Snapshot(string modelName)
    {
        lock (_lock)
        {
            var pool = _pools[modelName];
            var t = Now;
            return new PoolSnapshot(
                modelName, Scenario.CapacityAt(pool.Model, t), SlotsAt(pool.Model, t), QueueBoundAt(pool.Model, t),
                pool.Serving, pool.Rejecting, pool.Queue.Count, pool.Started, pool.Rejected, pool.Abandoned,
                pool.StartedBeyondCapacity, pool.MaxServing, pool.Shed, pool.RandomRejected, pool.ServedAbandoned);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }

        foreach (var timer in _boundaryTimers)
        {
            timer.Dispose();
        }
    }

    internal static bool InWindow(double t, double start, double? end) => t >= start && (end is null || t < end.Value);

    private Admission RejectLocked(ModelPool pool, double t)
    {
        pool.Rejected++;
        var masked = Scenario.Masked is { } m && InWindow(t, m.StartSeconds, m.EndSeconds) && _random.NextDouble() < m.Fraction;
        ChargeRejectionLocked(pool);
        return new Admission { Kind = AdmissionKind.Rejected, Masked = masked };
    }

    private void ChargeRejectionLocked(ModelPool pool)
    {
        if (Scenario.RejectionCostMs > 0)
        {
            pool.Rejecting++;
            ArmLocked(TimeSpan.FromMilliseconds(Scenario.RejectionCostMs), pool, static (model, state) => model.OnRejectionCostPaid((ModelPool)state));
        }
    }

    private ServiceTicket StartLocked(ModelPool pool, ServiceRequest request, double t, bool fromQueue)
    {
        var model = pool.Model;
        if (pool.Serving >= SlotsAt(model, t))
        {
            pool.StartedBeyondCapacity++;
        }

        pool.Serving++;
        pool.Started++;
        pool.MaxServing = Math.Max(pool.MaxServing, pool.Serving);

        var serviceTime = request.ServiceTimeOverride ?? TimeSpan.FromSeconds(LogNormal(model.ServiceMeanSeconds, model.ServiceSigma));
        if (fromQueue && Scenario.SaturatedSlowdown != 1)
        {
            // Work started while a queue stood (the only way anything starts from the queue) runs slower.
            serviceTime *= Scenario.SaturatedSlowdown;
        }
        var output = request.OutputTokensOverride ?? (int)Math.Round(LogNormal(model.OutputTokensMean, 0.5));
        output = Math.Clamp(output, 1, Math.Max(1, request.MaxTokens));
        var deltas = Math.Clamp((output + 24) / 25, 1, 16);

        var failure = MidStreamFailure.None;
        var failAfter = 0;
        if (request.Stream && Scenario.MidStream is { } ms && InWindow(t, ms.StartSeconds, ms.EndSeconds) && _random.NextDouble() < ms.Probability)
        {
            failure = _random.NextDouble() < 0.5 ? MidStreamFailure.BeforeFirstDelta : MidStreamFailure.AfterDeltas;
            failAfter = failure == MidStreamFailure.AfterDeltas ? 1 + _random.Next(deltas) : 0;
        }

        // The upstream drops failed work when it sends the error, so a failing stream frees its slot then.
        var holdTime = failure == MidStreamFailure.None ? serviceTime : ServiceTicket.FailureOffsetOf(serviceTime, deltas, failure, failAfter);
        var ticket = new ServiceTicket
        {
            StartedAt = _time.GetUtcNow(),
            ServiceTime = serviceTime,
            OutputTokens = output,
            DeltaCount = deltas,
            Failure = failure,
            FailAfterDeltas = failAfter,
            HoldTime = holdTime,
        };

        if (request.Key is { } key)
        {
            _limits.ChargeOutput(key, failure == MidStreamFailure.None ? output : 0);
        }

        ArmLocked(ticket.HoldTime, (pool, ticket), static (model, state) =>
        {
            var (p, tk) = ((ModelPool, ServiceTicket))state;
            model.OnServiceEnded(p, tk);
        });
        return ticket;
    }

    private void ArmLocked(TimeSpan due, object state, Action<CapacityModel, object> action)
    {
        var box = new TimerBox(this, state, action);
        var timer = _time.CreateTimer(static s => ((TimerBox)s!).Fire(), box, due, Timeout.InfiniteTimeSpan);
        box.Timer = timer;
        _liveTimers.Add(box);
    }

    internal void OnRejectionCostPaid(ModelPool pool)
    {
        List<(QueueWaiter, ServiceTicket)>? started;
        lock (_lock)
        {
            pool.Rejecting--;
            started = PumpLocked(pool, null);
        }

        Complete(started);
    }

    /// <summary>Server-side deadline shedding: a request still queued after <see cref="Scenario.QueueTimeoutSeconds"/>
    /// leaves the queue with a 529 (its task is cancelled with <see cref="QueueWaiter.Shed"/> set).</summary>
    internal void OnQueueTimeout(QueueWaiter waiter)
    {
        lock (_lock)
        {
            if (_disposed || waiter.Node?.List is null)
            {
                return;
            }

            waiter.Pool.Queue.Remove(waiter.Node);
            waiter.Node = null;
            waiter.Shed = true;
            waiter.Pool.Shed++;
            waiter.Pool.Rejected++;
            ChargeRejectionLocked(waiter.Pool);
        }

        waiter.Started.TrySetCanceled();
    }

    internal void OnServiceEnded(ModelPool pool, ServiceTicket ticket)
    {
        List<(QueueWaiter, ServiceTicket)>? started;
        lock (_lock)
        {
            pool.Serving--;
            started = PumpLocked(pool, null);
        }

        ticket.MarkReleased();
        Complete(started);
    }

    private void OnBoundary()
    {
        List<(QueueWaiter, ServiceTicket)>? started = null;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            foreach (var pool in _pools.Values)
            {
                started = PumpLocked(pool, started);
            }
        }

        Complete(started);
    }

    private List<(QueueWaiter, ServiceTicket)>? PumpLocked(ModelPool pool, List<(QueueWaiter, ServiceTicket)>? started)
    {
        var t = Now;
        var slots = SlotsAt(pool.Model, t);
        while (pool.Queue.First is { } first && pool.Busy < slots)
        {
            var waiter = first.Value;
            pool.Queue.RemoveFirst();
            waiter.Node = null;
            if (waiter.Abandoned)
            {
                pool.ServedAbandoned++;
            }

            var ticket = StartLocked(pool, waiter.Request, t, fromQueue: true);
            (started ??= []).Add((waiter, ticket));
        }

        return started;
    }

    private static void Complete(List<(QueueWaiter Waiter, ServiceTicket Ticket)>? started)
    {
        if (started is null)
        {
            return;
        }

        foreach (var (waiter, ticket) in started)
        {
            waiter.Started.TrySetResult(ticket);
        }
    }

    private double LogNormal(double mean, double sigma)
    {
        if (sigma <= 0)
        {
            return mean;
        }

        // Box–Muller; mu chosen so that the distribution's mean is `mean`.
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        var z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        var mu = Math.Log(mean) - (sigma * sigma / 2.0);
        return Math.Exp(mu + (sigma * z));
    }

    private string NewIdLocked(string prefix, int length)
    {
        return string.Create(prefix.Length + length, (prefix, _random), static (span, s) =>
        {
            s.prefix.AsSpan().CopyTo(span);
            for (var i = s.prefix.Length; i < span.Length; i++)
            {
                span[i] = Base62[s._random.Next(Base62.Length)];
            }
        });
    }

    internal void Forget(TimerBox box)
    {
        lock (_lock)
        {
            _liveTimers.Remove(box);
        }
    }
}
