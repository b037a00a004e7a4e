using Breakwater.Simulator.Capacity;
using Breakwater.Simulator.Scenarios;

namespace Breakwater.Simulator.Background;

/// <summary>
/// The scenario's other users, played inside the simulator: per model, open-loop Poisson arrivals at
/// <see cref="Scenario.OfferedRateAt"/> (restarted at each load-phase boundary, as the benchmark's arrival plan draws
/// them), each admitted straight into the <see cref="CapacityModel"/>, so they hold the same slots and queue places the
/// HTTP requests compete for. No sockets, no HTTP: an arrival is one <see cref="CapacityModel.Admit"/>.
/// <para>A background caller makes one attempt, as the scenario's offered load counts them (the scenario models no
/// retrying population): it is served, queued, or answered 529; a queued caller gives up after the scenario's
/// attempt timeout and leaves the queue; work that started runs its full service time. After the run length the
/// last load phase goes on (the upstream keeps its last state).</para>
/// <para>Timers come from the capacity model's clock, so arrivals follow scenario time (scaled or virtual); each model
/// draws its gaps from its own <see cref="Random"/>, seeded from the simulator's seed.</para>
/// </summary>
internal sealed class BackgroundLoad : IDisposable
{
    private readonly CapacityModel _capacity;
    private readonly BackgroundStream[] _streams;
    private readonly TimeSpan _attemptTimeout;

    public BackgroundLoad(CapacityModel capacity, Random seeds)
    {
        ArgumentNullException.ThrowIfNull(capacity);
        ArgumentNullException.ThrowIfNull(seeds);
        _capacity = capacity;
        var scenario = capacity.Scenario;
        _attemptTimeout = TimeSpan.FromSeconds(scenario.AttemptTimeoutSeconds > 0 ? scenario.AttemptTimeoutSeconds : 60);
        var boundaries = scenario.Load.Select(p => p.FromSeconds).Where(t => t > 0).Distinct().Order().ToArray();
        _streams = [.. scenario.Models.Select(m => new BackgroundStream(this, m, new Random(seeds.Next()), boundaries))];
        foreach (var stream in _streams)
        {
            stream.Start();
        }
    }

    internal CapacityModel Capacity => _capacity;

    internal TimeSpan AttemptTimeout => _attemptTimeout;

    /// <summary>Counts per model, in scenario order.</summary>
    public IReadOnlyList<BackgroundCounts> Counts() => [.. _streams.Select(s => s.Counts())];

    /// <summary>Stops the arrivals (work already admitted runs on in the capacity model).</summary>
    public void Dispose()
    {
        foreach (var stream in _streams)
        {
            stream.Dispose();
        }
    }
}
