namespace Breakwater.Fallback;

/// <summary>An ordered list of models: when one is overloaded, the call may move to the next.</summary>
public sealed class FallbackChain
{
    /// <summary>The models, most preferred first, e.g. <c>claude-opus-4-6, claude-sonnet-4-6, claude-haiku-4-5</c>.</summary>
    public List<string> Models { get; set; } = [];

    /// <summary>
    /// Whether calls may move down this chain. Default <c>true</c>. Set <c>false</c> for quality-sensitive work: the chain
    /// is kept for documentation and dashboards, but a call for its models is never downgraded.
    /// </summary>
    public bool Enabled { get; set; } = true;
}
