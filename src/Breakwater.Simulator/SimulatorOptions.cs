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

    /// <summary>
    /// Whether the simulator plays the scenario's other users itself (default <c>false</c>): the scenario's offered
    /// load (<see cref="Scenarios.Scenario.Load"/>) arrives as background requests inside the simulator, with no
    /// sockets, and takes the same slots and queue places as the requests it is sent, so a single client meets the
    /// scenario's storm. Off, the simulator only answers what it is sent (what a benchmark or test that brings its
    /// own load wants). <c>breakwater simulate</c> turns it on unless <c>--background off</c>.
    /// </summary>
    public bool BackgroundLoad { get; set; }
}
