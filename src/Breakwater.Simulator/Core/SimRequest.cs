namespace Breakwater.Simulator.Core;

/// <summary>A request as the core sees it, whichever transport brought it (HttpMessageHandler or Kestrel).</summary>
internal sealed class SimRequest
{
    public required string Method { get; init; }

    /// <summary>The path without query string.</summary>
    public required string Path { get; init; }

    /// <summary>Headers, case-insensitive, first value wins.</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    public byte[] Body { get; init; } = [];

    /// <summary>The body exceeded <see cref="Simulator.MaxBodyBytes"/> and was not read whole.</summary>
    public bool BodyTooLarge { get; init; }

    /// <summary>Pins the service time (the benchmark gives every policy the same one), else it is drawn.</summary>
    public TimeSpan? ServiceTimeOverride { get; init; }

    /// <summary>Pins the output length, else it is drawn.</summary>
    public int? OutputTokensOverride { get; init; }

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}
