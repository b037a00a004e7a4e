namespace Breakwater.Pipeline;

/// <summary>The requested model and the models a call may fall back to, in order, without a list per call.</summary>
internal readonly struct ModelChain(string requested, IReadOnlyList<string> fallbacks)
{
    public int Count => 1 + fallbacks.Count;

    public string this[int index] => index == 0 ? requested : fallbacks[index - 1];
}
