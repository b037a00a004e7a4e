using System.Collections.Concurrent;
using Breakwater.Pacing;
using Breakwater.Retry;
using Breakwater.Telemetry;

namespace Breakwater.State;

/// <summary>
/// The state one client shares across all its calls and handler instances: budget, per-model health, pacing per
/// credential. The per-model state is bounded by <see cref="ModelStateOptions"/>: at most <c>MaxModels</c>, the least
/// recently used idle ones dropped first, and idle ones dropped after <c>IdleExpiry</c>.
/// </summary>
internal sealed class ClientState
{
    private readonly ConcurrentDictionary<string, ModelState> _models = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RateLimitPacer> _pacers = new(StringComparer.Ordinal);
    private readonly Lock _pruneGate = new();
    private long _lastSweep;

    public ClientState(string name, BreakwaterOptions options, TimeProvider time, BreakwaterMetrics metrics)
    {
        Name = name;
        Options = options;
        Time = time;
        Metrics = metrics;
        Budget = new RetryBudget(options.Budget, time);
        var limits = options.ModelState ?? new ModelStateOptions();
        MaxModels = limits.MaxModels;
        IdleExpiry = limits.IdleExpiry;
        Labels = new ModelLabels(limits.MaxMetricModels, options.Fallback.Chains.SelectMany(c => c.Models).Where(m => !string.IsNullOrEmpty(m)));
        _lastSweep = time.GetTimestamp();
    }

    /// <summary>The most models state is kept for.</summary>
    public int MaxModels { get; }

    /// <summary>How long an idle model's state is kept; zero: no expiry by age.</summary>
    public TimeSpan IdleExpiry { get; }

    /// <summary>The model names this client's metrics may carry.</summary>
    public ModelLabels Labels { get; }

    /// <summary>How many models state is kept for now.</summary>
    public int ModelCount => _models.Count;

    public string Name { get; }

    public BreakwaterOptions Options { get; }

    public TimeProvider Time { get; }

    /// <summary>The instruments of the registry this client lives in.</summary>
    public BreakwaterMetrics Metrics { get; }

    public RetryBudget Budget { get; }

    /// <summary>The state of <paramref name="model"/>, made when there is none; marks it used now.</summary>
    public ModelState Model(string model)
    {
        if (!_models.TryGetValue(model, out var state))
        {
            state = _models.GetOrAdd(model, static (m, s) => new ModelState(m, s), this);
            state.Touch();
            Prune(state);
            return state;
        }

        state.Touch();
        return state;
    }

    public IEnumerable<ModelState> Models => _models.Values;

    /// <summary>
    /// Drops what the bounds say to drop: idle models past <see cref="IdleExpiry"/> (checked at most every half of it),
    /// then, above <see cref="MaxModels"/>, the least recently used models without calls until a tenth of the room is
    /// free (so a stream of new names prunes once per many, not on every one). A model with a call in flight or
    /// queued is never dropped, nor <paramref name="keep"/> (the one about to be handed out).
    /// </summary>
    private void Prune(ModelState keep)
    {
        var now = Time.GetTimestamp();
        var sweep = IdleExpiry > TimeSpan.Zero && Time.GetElapsedTime(Interlocked.Read(ref _lastSweep), now) >= IdleExpiry / 2;
        if (!sweep && _models.Count <= MaxModels)
        {
            return;
        }

        lock (_pruneGate)
        {
            if (sweep)
            {
                Interlocked.Exchange(ref _lastSweep, now);
                foreach (var (name, state) in _models)
                {
                    if (!ReferenceEquals(state, keep) && state.IsIdle && state.BreakerState == Polly.CircuitBreaker.CircuitState.Closed && Time.GetElapsedTime(state.LastUsed, now) >= IdleExpiry)
                    {
                        _models.TryRemove(new KeyValuePair<string, ModelState>(name, state));
                    }
                }
            }

            if (_models.Count <= MaxModels)
            {
                return;
            }

            var target = MaxModels - (MaxModels / 10);
            var candidates = _models
                .Where(m => !ReferenceEquals(m.Value, keep) && m.Value.IsIdle)
                .OrderBy(m => m.Value.BreakerState == Polly.CircuitBreaker.CircuitState.Closed ? 0 : 1)
                .ThenBy(m => m.Value.LastUsed)
                .ToList();
            foreach (var candidate in candidates)
            {
                if (_models.Count <= target)
                {
                    break;
                }

                _models.TryRemove(candidate);
            }
        }
    }

    /// <summary>The pacer of one credential, by its hash (never the credential).</summary>
    public RateLimitPacer Pacer(string credentialHash) =>
        _pacers.GetOrAdd(credentialHash, static (_, s) => new RateLimitPacer(s.Options.Pacing, s.Time), this);
}
