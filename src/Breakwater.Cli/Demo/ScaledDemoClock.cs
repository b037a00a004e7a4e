using Breakwater.Simulator.Time;

namespace Breakwater.Cli.Demo;

/// <summary>
/// The demo as <c>breakwater demo</c> plays it: scenario time <paramref name="scale"/> times faster than real time
/// (<see cref="ScaledTimeProvider"/> over <see cref="TimeProvider.System"/>), one tick every 250 ms of real time.
/// </summary>
internal sealed class ScaledDemoClock(double scale) : DemoClock
{
    private PeriodicTimer? _ticker;

    public override TimeProvider Time { get; } = new ScaledTimeProvider(scale);

    public override void Start() => _ticker ??= new PeriodicTimer(RealTick, TimeProvider.System);

    public override async ValueTask WaitForTickAsync(CancellationToken cancellationToken)
    {
        Start();
        await _ticker!.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
    }

    // Real time passes by itself; each call ends by its own deadline on the scaled clock.
    public override Task WaitForAsync(Task calls, TimeSpan limit) => calls;

    public override void Dispose() => _ticker?.Dispose();
}
