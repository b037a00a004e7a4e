using Breakwater.Simulator.Scenarios;

namespace Breakwater.Simulator;

/// <summary>How to build a <see cref="Simulator"/>.</summary>
public sealed class SimulatorOptions
{
    /// <summary>The scenario to play (default: the built-in <c>steady</c>).</summary>
    public Scenario? Scenario { get; set; }

    /// <summary>Seed of every random draw: request ids, service times, failures (default 1).</summary>
    public int Seed { get; set; } = 1;

    /// <summary>
    /// The clock (default: <see cref="TimeProvider.System"/>, or a <see cref="Time.ScaledTimeProvider"/> when
    /// <see cref="TimeScale"/> is not 1). Pass a <see cref="Time.VirtualTimeProvider"/> to run in virtual time.
    /// </summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Scenario seconds per wall-clock second (default 1). Retry-after values are divided by it, so a
    /// client sleeping in real time waits the right share of scenario time.</summary>
    public double TimeScale { get; set; } = 1;
}
