using System.ComponentModel.DataAnnotations;

namespace Breakwater.Fallback;

/// <summary>
/// Model fallback: taken only on overload (529, overloaded_error in a stream before its first delta, a proxy's 503
/// page, or an open breaker), never on 4xx, 429 or other errors. Off unless a chain is configured.
/// </summary>
public sealed class FallbackOptions
{
    /// <summary>The chains. A call for model M uses the first chain containing M, and may move to the models after it. Default none.</summary>
    public List<FallbackChain> Chains { get; set; } = [];

    /// <summary>Overload retries on the same model before moving to the next one (skipped while its breaker is open). Default 1.</summary>
    [Range(0, 10)]
    public int SameModelRetries { get; set; } = 1;

    /// <summary>How long a call waits for a concurrency slot on a model before moving to the next one of its chain. Default 5 s.</summary>
    public TimeSpan MaxQueueWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Adds a chain; returns this for chaining calls.</summary>
    public FallbackOptions Add(params string[] models)
    {
        Chains.Add(new FallbackChain { Models = [.. models] });
        return this;
    }

    /// <summary>The models a call for <paramref name="model"/> may move to, in order (empty when none).</summary>
    public IReadOnlyList<string> After(string model)
    {
        foreach (var chain in Chains)
        {
            var i = chain.Models.FindIndex(m => string.Equals(m, model, StringComparison.Ordinal));
            if (i >= 0)
            {
                return chain.Enabled ? chain.Models.GetRange(i + 1, chain.Models.Count - i - 1) : [];
            }
        }

        return [];
    }
}
