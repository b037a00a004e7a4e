using System.Diagnostics.CodeAnalysis;

namespace Breakwater.Simulator.Scenarios;

/// <summary>Streams that fail after HTTP 200 with an <c>event: error</c> overloaded_error.</summary>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "\"MidStream\" is the scenario's mid-stream fault window (the JSON key midStream), not a Stream type.")]
public sealed record ScenarioMidStream
{
    /// <summary>Probability that a stream started inside the window fails (required, in [0, 1]).</summary>
    public double Probability { get; init; }

    /// <summary>Window start, in scenario seconds (default 0).</summary>
    public double StartSeconds { get; init; }

    /// <summary>Window end, in scenario seconds (default: the whole run).</summary>
    public double? EndSeconds { get; init; }
}
