using Breakwater.Simulator.Scenarios;

namespace Breakwater.Simulator.Benchmark;

/// <summary>
/// The physical limit: the same arrivals served with perfect coordination and no foresight. One
/// central queue per model, dispatched whenever a slot is free (slots = ⌊C·c(t)⌋), newest request first; a request
/// that has waited D is dropped; a request may go down the scenario's fallback chain when a later model has a free
/// slot and nothing of its own waiting; a stream failing before its first delta is re-queued, one failing after it
/// is lost. It is never rejected but does respect a key's rate limits (they bind every client alike). Simulated
/// directly as discrete events, without the HTTP layer.
/// </summary>
internal sealed class Oracle
{
    private readonly Scenario _scenario;
    private readonly IReadOnlyList<PlannedRequest> _plan;
    private readonly Random _random;
    private readonly double _deadline;
    private readonly int _inputTokens;
    private readonly PriorityQueue<(int Kind, int A, int B), (double At, long Seq)> _events = new();
    private readonly SortedSet<(double Arrival, int Index)>[] _queues;
    private readonly int[] _busy;
    private readonly int[][] _predecessors;
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

    private Oracle(Scenario scenario, IReadOnlyList<PlannedRequest> plan, int seed, int inputTokens)
    {
        _scenario = scenario;
        _plan = plan;
        _random = new Random(seed);
        _deadline = scenario.DeadlineSeconds;
        _inputTokens = inputTokens;
        var n = scenario.Models.Count;
        _queues = Enumerable.Range(0, n).Select(_ => new SortedSet<(double, int)>()).ToArray();
        _busy = new int[n];
        _predecessors = new int[n][];
        var chain = scenario.FallbackChain.Select(name => scenario.FindModel(name)).Where(m => m is not null).Select(m => IndexOf(scenario, m!)).ToList();
        for (var j = 0; j < n; j++)
        {
            var at = chain.IndexOf(j);

            // Closest predecessor first: a request moves down the chain one step at a time when it can.
            _predecessors[j] = at <= 0 ? [] : chain.Take(at).Reverse().ToArray();
        }

        _succeeded = new bool[plan.Count];
        _served = new string?[plan.Count];
        var limits = scenario.RateLimits ?? ScenarioRateLimits.Unlimited;
        _bucketLimit[0] = limits.Rpm;
        _bucketLimit[1] = limits.Itpm;
        _bucketLimit[2] = limits.Otpm;
        Array.Copy(_bucketLimit, _bucketLevel, 3);
    }

    public static OracleResult Run(Scenario scenario, IReadOnlyList<PlannedRequest> plan, int seed, int inputTokens)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(plan);
        var oracle = new Oracle(scenario, plan, seed, inputTokens);
        return oracle.Execute();
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
                    _queues[IndexOf(_scenario, p.Model)].Add((p.ArrivalSeconds, p.Index));
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

        return new OracleResult(_succeeded.Count(s => s), _succeeded, _served);
    }

    private void Pump()
    {
        for (var j = 0; j < _queues.Length; j++)
        {
            var model = _scenario.Models[j];
            var slots = (int)Math.Floor((model.Slots * _scenario.CapacityAt(model, _now)) + 1e-9);
            while (_busy[j] < slots)
            {
                var from = Newest(j);
                for (var k = 0; from < 0 && k < _predecessors[j].Length; k++)
                {
                    from = Newest(_predecessors[j][k]) >= 0 ? _predecessors[j][k] : -1;
                }

                if (from < 0)
                {
                    break;
                }

                if (!TryTakeRate())
                {
                    return;
                }

                var (_, index) = _queues[from].Max;
                _queues[from].Remove(_queues[from].Max);
                Dispatch(_plan[index], j);
            }
        }
    }

    /// <summary>The queue's own index when it holds a request that has not yet waited D (expired ones are dropped); else -1.</summary>
    private int Newest(int queue)
    {
        var q = _queues[queue];
        while (q.Count > 0 && _now - q.Min.Arrival >= _deadline)
        {
            q.Remove(q.Min);
        }

        return q.Count > 0 ? queue : -1;
    }

    private void Dispatch(PlannedRequest p, int modelIndex)
    {
        var model = _scenario.Models[modelIndex];
        var service = p.ServiceTimeOn(model).TotalSeconds;
        var output = Math.Clamp(p.OutputTokens, 1, Math.Max(1, p.MaxTokens));
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
        if (_now + service <= p.ArrivalSeconds + _deadline + 1e-9)
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
