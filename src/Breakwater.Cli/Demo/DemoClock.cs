namespace Breakwater.Cli.Demo;

/// <summary>
/// The demo's scenario clock and how its loop lets time pass. <see cref="Time"/> is what the two simulators, Breakwater
/// and the callers' deadlines read; <see cref="WaitForTickAsync"/> lets one tick pass (the loop releases arrivals and
/// reports progress once a tick); <see cref="WaitForAsync"/> lets time pass until the calls still in flight are done.
/// </summary>
internal abstract class DemoClock : IDisposable
{
    /// <summary>Real time between two ticks of the loop, at any scale.</summary>
    public static readonly TimeSpan RealTick = TimeSpan.FromMilliseconds(250);

    /// <summary>The scenario clock.</summary>
    public abstract TimeProvider Time { get; }

    /// <summary>Starts the ticks, just before the loop's first pass.</summary>
    public abstract void Start();

    /// <summary>Lets one tick of the loop pass (the first ends a tick after <see cref="Start"/>).</summary>
    public abstract ValueTask WaitForTickAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Lets time pass until <paramref name="calls"/> is done, then awaits it. <paramref name="limit"/> is the scenario
    /// time within which every call must be done (each has its own deadline).
    /// </summary>
    public abstract Task WaitForAsync(Task calls, TimeSpan limit);

    /// <inheritdoc />
    public abstract void Dispose();
}
