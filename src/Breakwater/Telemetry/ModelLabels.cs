using System.Collections.Concurrent;

namespace Breakwater.Telemetry;

/// <summary>
/// The model names one client's metrics may carry: the first <c>max</c> distinct ones seen (configured fallback models
/// admitted up front), then <see cref="Other"/>. Once admitted a name keeps its label: a counter's series cannot move.
/// </summary>
internal sealed class ModelLabels
{
    /// <summary>The label of every model past the cap.</summary>
    public const string Other = "other";

    private readonly ConcurrentDictionary<string, byte> _admitted = new(StringComparer.Ordinal);
    private readonly int _max;
    private int _count;

    public ModelLabels(int max, IEnumerable<string> preferred)
    {
        _max = max;
        foreach (var model in preferred)
        {
            Admit(model);
        }
    }

    /// <summary>The label for <paramref name="model"/>: itself when admitted (or when there is still room), else <see cref="Other"/>. "" (no model) is always itself.</summary>
    public string Of(string model) => model.Length == 0 || _admitted.ContainsKey(model) || Admit(model) ? model : Other;

    /// <summary>Whether <paramref name="model"/> has a label of its own (its gauges are reported).</summary>
    public bool Has(string model) => model.Length == 0 || _admitted.ContainsKey(model);

    private bool Admit(string model)
    {
        if (Interlocked.Increment(ref _count) > _max)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }

        if (!_admitted.TryAdd(model, 0))
        {
            // Admitted meanwhile by another caller: give the room back.
            Interlocked.Decrement(ref _count);
        }

        return true;
    }
}
