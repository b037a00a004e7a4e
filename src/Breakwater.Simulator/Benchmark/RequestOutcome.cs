namespace Breakwater.Simulator.Benchmark;

/// <summary>What became of one logical request, as its caller saw it.</summary>
internal readonly record struct RequestOutcome
{
    /// <summary>Completed (message_stop reached, or a whole JSON message) within the deadline.</summary>
    public bool Succeeded { get; init; }

    /// <summary>End to end, backoff included (successes only).</summary>
    public double LatencyMs { get; init; }

    /// <summary>The model that served a success (null otherwise).</summary>
    public string? ServedModel { get; init; }

    /// <summary>A 200 stream that ended cleanly without message_stop or an error event: reported as success, yet cut short.</summary>
    public bool Truncated { get; init; }
}
