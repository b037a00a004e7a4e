using System.Collections.Concurrent;
using Breakwater.Retry;

namespace Breakwater.Pipeline;

/// <summary>The state one client shares across all its calls and handler instances: budget, and per-model health.</summary>
internal sealed class ClientState
{
    private readonly ConcurrentDictionary<string, ModelState> _models = new(StringComparer.Ordinal);

    public ClientState(string name, BreakwaterOptions options, TimeProvider time)
    {
        Name = name;
        Options = options;
        Time = time;
        Budget = new RetryBudget(options.Budget, time);
    }

    public string Name { get; }

    public BreakwaterOptions Options { get; }

    public TimeProvider Time { get; }

    public RetryBudget Budget { get; }

    public ModelState Model(string model) => _models.GetOrAdd(model, static (m, s) => new ModelState(m, s), this);

    public IEnumerable<ModelState> Models => _models.Values;
}
