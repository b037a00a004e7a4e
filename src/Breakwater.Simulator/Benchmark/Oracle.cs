using Breakwater.Simulator.Scenarios;

namespace Breakwater.Simulator.Benchmark;

/// <summary>
/// The physical limit: the same arrivals served with perfect coordination and no foresight of a request's own
/// service time, under three queue disciplines (<see cref="OracleDiscipline"/>), each simulated on the same plan; the
/// best counts. One central queue per model, dispatched whenever a slot is free (slots = ⌊C·c(t)⌋); a request may go
/// down the scenario's fallback chain; work that cannot finish within D still holds its slot to the end of its service,
/// as upstream; a stream failing before its first delta is re-queued, one failing after it is lost. It is
/// never rejected but does respect a key's rate limits (they bind every client alike). Requests that no one can serve
/// (service time above D on every model they may use) are counted as impossible and never started. Simulated directly
/// as discrete events, without the HTTP layer.
/// </summary>
internal sealed class Oracle
{
    /// <summary>The cutoff factors k FIFO is tried with (drop once waited &gt; D − k × mean service); the best is reported.</summary>
    public static readonly IReadOnlyList<double> FifoCutoffs = [0.5, 1.0, 2.0];

    /// <summary>
    /// The cutoff factors k newest-first is tried with (a request is dropped once waited ≥ D − k × mean service: one
    /// that is started with less left than a fraction of a service time mostly holds a slot for nothing); the best is
    /// reported. k = 0 is plain newest-first.
    /// </summary>
    public static readonly IReadOnlyList<double> NewestCutoffs = [0, 0.5, 1.0];

    private readonly Scenario _scenario;
    private readonly IReadOnlyList<PlannedRequest> _plan;
    private readonly Random _random;
    private readonly double _deadline;
    private readonly int _inputTokens;
    private readonly OracleDiscipline _discipline;
    private readonly double _cutoff;
    private readonly bool[] _impossible;
    private readonly PriorityQueue<(int Kind, int A, int B), (double At, long Seq)> _events = new();
    private readonly SortedSet<(double Arrival, int Index)>[] _queues;
    private readonly int[] _busy;
    private readonly int[][] _predecessors;
    private readonly double[] _hopeless;
    private readonly bool[] _succeeded;
    private readonly string?[] _served;
    private readonly double[] _bucketLevel = new double[3];
    private readonly double[] _bucketLimit = new double[3];
    private double _bucketTime;
    private bool _wakeArmed;
    private long _seq;
    private double _now;

    private const int Arrival = 0;
    private const int Release = 1;
    private const int Requeue = 2;
    private const int Wake = 3;

    private Oracle(Scenario scenario, IReadOnlyList<PlannedRequest> plan, int seed, int inputTokens, OracleDiscipline discipline, double cutoff, bool[] impossible)
    {
        _scenario = scenario;
        _plan = plan;
        _random = new Random(seed);
        _deadline = scenario.DeadlineSeconds;
        _inputTokens = inputTokens;
        _discipline = discipline;
        _cutoff = cutoff;
        _impossible = impossible;
        var n = scenario.Models.Count;
        _queues = Enumerable.Range(0, n).Select(_ => new SortedSet<(double, int)>()).ToArray();
        _busy = new int[n];
        _predecessors = new int[n][];
        _hopeless = new double[n];
        var chain = Chain(scenario);
        for (var j = 0; j < n; j++)
        {
            var at = chain.IndexOf(j);

            // Closest predecessor first: a request moves down the chain one step at a time when it can.
            _predecessors[j] = at <= 0 ? [] : chain.Take(at).Reverse().ToArray();
            _hopeless[j] = Successors(chain, j).Select(k => scenario.Models[k].ServiceMeanSeconds).Min();
        }

        _succeeded = new bool[plan.Count];
        _served = new string?[plan.Count];
        var limits = scenario.RateLimits ?? ScenarioRateLimits.Unlimited;
        _bucketLimit[0] = limits.Rpm;
        _bucketLimit[1] = limits.Itpm;
        _bucketLimit[2] = limits.Otpm;
        Array.Copy(_bucketLimit, _bucketLevel, 3);
    }

    /// <summary>Attempts whose service-time draws a redraw scenario's oracle may use: as many as the most persistent policy sends (agent-10: 1 + 10 retries).</summary>
    public const int RedrawAttempts = 11;

    /// <summary>
    /// Where the scenario draws a fresh service time per attempt, a policy that retries may be served at a later
    /// attempt's (shorter) draw: the upper bound serves each request at the shortest of its first
    /// <see cref="RedrawAttempts"/> draws (the same draws the taps use). A little foresight, only in such scenarios,
    /// so that no retrying policy can beat the oracle by luck of the draw.
    /// </summary>
    internal static IReadOnlyList<PlannedRequest> WithRedraws(Scenario scenario, IReadOnlyList<PlannedRequest> plan)
    {
        if (!scenario.ServiceTimeRedraw)
        {
            return plan;
        }

        return plan.Select(p =>
        {
            var z = p.ServiceZ;
            for (var attempt = 2; attempt <= RedrawAttempts; attempt++)
            {
                z = Math.Min(z, UpstreamTap.RedrawnZ(p.Index, attempt));
            }

            return p with { ServiceZ = z };
        }).ToList();
    }

    /// <summary>Every discipline on the same plan (FIFO at each of <see cref="FifoCutoffs"/>); the best one's outcome, with each discipline's successes.</summary>
    public static OracleResult Run(Scenario scenario, IReadOnlyList<PlannedRequest> plan, int seed, int inputTokens)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(plan);
        plan = WithRedraws(scenario, plan);
        var impossible = Impossible(scenario, plan);
        var newest = NewestCutoffs.Select(k => RunOne(scenario, plan, seed, inputTokens, OracleDiscipline.NewestFirst, k, impossible))
            .Aggregate((a, b) => b.Successes > a.Successes ? b : a);
        var fifo = FifoCutoffs.Select(k => (K: k, R: RunOne(scenario, plan, seed, inputTokens, OracleDiscipline.FifoCutoff, k, impossible)))
            .Aggregate((a, b) => b.R.Successes > a.R.Successes ? b : a);
        var edf = RunOne(scenario, plan, seed, inputTokens, OracleDiscipline.EarliestDeadline, 0, impossible);
        var best = new[] { newest, fifo.R, edf }.Aggregate((a, b) => b.Successes > a.Successes ? b : a);
        return best with
        {
            NewestFirstSuccesses = newest.Successes,
            FifoSuccesses = fifo.R.Successes,
            FifoCutoff = fifo.K,
            EdfSuccesses = edf.Successes,
            Impossible = impossible.Count(i => i),
        };
    }

    /// <summary>One discipline alone (<paramref name="cutoff"/> is the drop factor k: default 1 for FIFO, 0 for newest-first; ignored by EDF).</summary>
    public static OracleResult Run(Scenario scenario, IReadOnlyList<PlannedRequest> plan, int seed, int inputTokens, OracleDiscipline discipline, double? cutoff = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(plan);
        var impossible = Impossible(scenario, plan);
        var k = cutoff ?? (discipline == OracleDiscipline.NewestFirst ? 0 : 1.0);
        return RunOne(scenario, plan, seed, inputTokens, discipline, k, impossible) with { Impossible = impossible.Count(i => i) };
    }

    /// <summary>Per request: its service time exceeds D on its own model and on every later model of the fallback chain, so no one can serve it.</summary>
    public static bool[] Impossible(Scenario scenario, IReadOnlyList<PlannedRequest> plan)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(plan);
        var chain = Chain(scenario);
        var d = TimeSpan.FromSeconds(scenario.DeadlineSeconds);
        return plan.Select(p => Successors(chain, IndexOf(scenario, p.Model)).All(k => p.ServiceTimeOn(scenario.Models[k]) > d)).ToArray();
    }

    private static OracleResult RunOne(Scenario scenario, IReadOnlyList<PlannedRequest> plan, int seed, int inputTokens, OracleDiscipline discipline, double cutoff, bool[] impossible)
        => new Oracle(scenario, plan, seed, inputTokens, discipline, cutoff, impossible).Execute();

    private static List<int> Chain(Scenario scenario)
        => scenario.FallbackChain.Select(name => scenario.FindModel(name)).Where(m => m is not null).Select(m => IndexOf(scenario, m!)).ToList();

    /// <summary>The model itself and, when it is in the fallback chain, every later model of the chain.</summary>
    private static IEnumerable<int> Successors(List<int> chain, int model)
    {
        yield return model;
        var at = chain.IndexOf(model);
        if (at >= 0)
        {
            foreach (var k in chain.Skip(at + 1))
            {
                yield return k;
            }
        }
    }

    private OracleResult Execute()
    {
        foreach (var p in _plan)
        {
            Push(p.ArrivalSeconds, Arrival, p.Index, 0);
        }

        foreach (var t in _scenario.Incidents.SelectMany(i => new[] { i.StartSeconds, i.EndSeconds }).Where(t => t > 0).Distinct().Order())
        {
            Push(t, Wake, 0, 0);
        }

        while (_events.TryDequeue(out var e, out var priority))
        {
            _now = priority.At;
            switch (e.Kind)
            {
                case Arrival:
                    var p = _plan[e.A];
                    if (!_impossible[p.Index])
                    {
                        _queues[IndexOf(_scenario, p.Model)].Add((p.ArrivalSeconds, p.Index));
                    }

                    break;
                case Release:
                    _busy[e.B]--;
                    break;
                case Requeue:
                    _busy[e.B]--;
                    var r = _plan[e.A];
                    if (_now - r.ArrivalSeconds < _deadline)
                    {
                        _queues[IndexOf(_scenario, r.Model)].Add((r.ArrivalSeconds, r.Index));
                    }

                    break;
                case Wake:
                    _wakeArmed = e.A == 1 ? false : _wakeArmed;
                    break;
            }

            Pump();
        }

        return new OracleResult(_succeeded.Count(s => s), _succeeded, _served) { Best = _discipline, FifoCutoff = _cutoff };
    }

    private void Pump()
    {
        for (var j = 0; j < _queues.Length; j++)
        {
            var model = _scenario.Models[j];
            var slots = (int)Math.Floor((model.Slots * _scenario.CapacityAt(model, _now)) + 1e-9);
            while (_busy[j] < slots)
            {
                var (from, entry) = Pick(j);
                if (from < 0)
                {
                    break;
                }

                if (!TryTakeRate())
                {
                    return;
                }

                _queues[from].Remove(entry);
                Dispatch(_plan[entry.Index], j);
            }
        }
    }

    /// <summary>The queue and entry the discipline starts next on model <paramref name="j"/>, dropping what it gives up on; (-1, default) when none.</summary>
    private (int From, (double Arrival, int Index) Entry) Pick(int j)
    {
        if (_discipline == OracleDiscipline.EarliestDeadline)
        {
            // Earliest deadline across the model's own queue and those that may fall back onto it, among the requests
            // whose remaining time is at least this model's mean service.
            var threshold = _now + _scenario.Models[j].ServiceMeanSeconds - _deadline;
            var best = (From: -1, Entry: (Arrival: double.MaxValue, Index: -1));
            foreach (var q in _predecessors[j].Prepend(j))
            {
                var queue = _queues[q];
                while (queue.Count > 0 && queue.Min.Arrival + _deadline - _now < _hopeless[q])
                {
                    queue.Remove(queue.Min);
                }

                if (queue.Count == 0 || queue.Max.Arrival < threshold)
                {
                    continue;
                }

                var first = queue.Min.Arrival >= threshold ? queue.Min : queue.GetViewBetween((threshold, int.MinValue), queue.Max).Min;
                if (first.CompareTo(best.Entry) < 0)
                {
                    best = (q, first);
                }
            }

            return best;
        }

        foreach (var q in _predecessors[j].Prepend(j))
        {
            var queue = _queues[q];
            var limit = _deadline - (_cutoff * _scenario.Models[q].ServiceMeanSeconds);
            while (queue.Count > 0 && (_discipline == OracleDiscipline.FifoCutoff ? _now - queue.Min.Arrival > limit : _now - queue.Min.Arrival >= limit))
            {
                queue.Remove(queue.Min);
            }

            if (queue.Count > 0)
            {
                return (q, _discipline == OracleDiscipline.FifoCutoff ? queue.Min : queue.Max);
            }
        }

        return (-1, default);
    }

    private void Dispatch(PlannedRequest p, int modelIndex)
    {
        var model = _scenario.Models[modelIndex];
        var service = p.ServiceTimeOn(model).TotalSeconds;
        var output = Math.Clamp(p.OutputTokens, 1, Math.Max(1, p.MaxTokens));

        // A call that cannot finish in time still holds its slot to the end of its service, as upstream (which cannot
        // know the caller left).
        var deadline = p.ArrivalSeconds + _deadline;
        _busy[modelIndex]++;
        _bucketLevel[2] -= output;
        if (p.Stream && _scenario.MidStream is { } ms && _now >= ms.StartSeconds && (ms.EndSeconds is null || _now < ms.EndSeconds) && _random.NextDouble() < ms.Probability)
        {
            var deltas = Math.Clamp((output + 24) / 25, 1, 16);
            if (_random.NextDouble() < 0.5)
            {
                Push(_now + (service * 0.5 / (deltas + 1.0)), Requeue, p.Index, modelIndex);
            }
            else
            {
                var after = 1 + _random.Next(deltas);
                Push(_now + (service * (after + 0.5) / (deltas + 1.0)), Release, p.Index, modelIndex);
            }

            return;
        }

        Push(_now + service, Release, p.Index, modelIndex);
        if (_now + service <= deadline + 1e-9)
        {
            _succeeded[p.Index] = true;
            _served[p.Index] = model.Name;
        }
    }

    private bool TryTakeRate()
    {
        var elapsed = _now - _bucketTime;
        _bucketTime = _now;
        var wait = 0.0;
        double[] need = [1, _inputTokens, 1];
        for (var b = 0; b < 3; b++)
        {
            var rate = _bucketLimit[b] / 60.0;
            _bucketLevel[b] = Math.Min(_bucketLimit[b], _bucketLevel[b] + (elapsed * rate));
            if (_bucketLevel[b] < need[b] - 1e-9)
            {
                wait = Math.Max(wait, (need[b] - _bucketLevel[b]) / rate);
            }
        }

        if (wait > 0)
        {
            if (!_wakeArmed)
            {
                _wakeArmed = true;
                Push(_now + wait + 1e-6, Wake, 1, 0);
            }

            return false;
        }

        _bucketLevel[0] -= 1;
        _bucketLevel[1] -= _inputTokens;
        return true;
    }

    private void Push(double at, int kind, int a, int b) => _events.Enqueue((kind, a, b), (at, _seq++));

    private static int IndexOf(Scenario scenario, ScenarioModel model)
    {
        for (var i = 0; i < scenario.Models.Count; i++)
        {
            if (ReferenceEquals(scenario.Models[i], model) || scenario.Models[i].Name == model.Name)
            {
                return i;
            }
        }

        throw new ArgumentException("Model not in scenario: " + model.Name, nameof(model));
    }
}
