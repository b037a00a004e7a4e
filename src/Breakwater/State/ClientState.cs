using System.Collections.Concurrent;
using Breakwater.Pacing;
using Breakwater.Retry;
using Breakwater.Telemetry;

namespace Breakwater.State;

/// <summary>The state one client shares across all its calls and handler instances: budget, per-model health, pacing per credential.</summary>
internal sealed class ClientState
{
    private readonly ConcurrentDictionary<string, ModelState> _models = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RateLimitPacer> _pacers = new(StringComparer.Ordinal);

    public ClientState(string name, BreakwaterOptions options, TimeProvider time, BreakwaterMetrics metrics)
    {
        Name = name;
        Options = options;
        Time = time;
        Metrics = metrics;
        Budget = new RetryBudget(options.Budget, time);
    }

    public string Name { get; }

    public BreakwaterOptions Options { get; }

    public TimeProvider Time { get; }

    /// <summary>The instruments of the registry this client lives in.</summary>
    public BreakwaterMetrics Metrics { get; }

    public RetryBudget Budget { get; }

    public ModelState Model(string model) => _models.GetOrAdd(model, static (m, s) => new ModelState(m, s), this);

    public IEnumerable<ModelState> Models => _models.Values;

    /// <summary>The pacer of one credential, by its hash (never the credential).</summary>
    public RateLimitPacer Pacer(string credentialHash) =>
        _pacers.GetOrAdd(credentialHash, static (_, s) => new RateLimitPacer(s.Options.Pacing, s.Time), this);
}
