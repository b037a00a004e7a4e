using System.IO.Pipelines;

namespace Breakwater.Simulator.Core;

/// <summary>A response as the core produces it: either a complete body or a stream fed by timer callbacks.</summary>
internal sealed class SimResponse
{
    public int Status { get; init; }

    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public string? ContentType { get; init; }

    public byte[] Body { get; init; } = [];

    /// <summary>For SSE: the reading side of a pipe whose writer is driven by the simulator's clock.</summary>
    public PipeReader? Stream { get; init; }

    public string? Header(string name)
    {
        foreach (var (k, v) in Headers)
        {
            if (string.Equals(k, name, StringComparison.OrdinalIgnoreCase))
            {
                return v;
            }
        }

        return null;
    }
}
