using Breakwater.Simulator.Time;

namespace Breakwater.Cli.Demo;

/// <summary>
/// The demo in virtual time: a tick moves <paramref name="time"/> forward by the scenario time one real tick stands
/// for at <paramref name="scale"/>, firing every due timer (each arrival is one) in order on the calling thread. For a
/// seed the run is the same every time, at any scale. With <paramref name="pace"/> (the CLI), each tick then waits
/// for one <see cref="DemoClock.RealTick"/> of real time, so the run is shown at the scale's speed; without it (tests)
/// nothing waits in real time. The run must be on a thread without a SynchronizationContext (as <c>Task.Run</c> or a
/// console app's main gives).
/// </summary>
internal sealed class VirtualDemoClock(VirtualTimeProvider time, double scale, TimeProvider? pace = null) : DemoClock
{
    private readonly TimeSpan _tick = TimeSpan.FromTicks((long)(RealTick.Ticks * scale));
    private PeriodicTimer? _ticker;

    public override TimeProvider Time => time;

    public override void Start()
    {
        if (pace is not null)
        {
            _ticker ??= new PeriodicTimer(RealTick, pace);
        }
    }

    public override async ValueTask WaitForTickAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        time.Advance(_tick);
        if (pace is not null)
        {
            Start();
            await _ticker!.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override async Task WaitForAsync(Task calls, TimeSpan limit)
    {
        // Bounded: every call ends by its own deadline, so the calls are done within the limit (plus a tick).
        var ticks = (long)Math.Ceiling(limit / _tick) + 1;
        for (var i = 0L; i < ticks && !calls.IsCompleted; i++)
        {
            time.Advance(_tick);
        }

        if (!calls.IsCompleted)
        {
            throw new InvalidOperationException($"Demo calls were still in flight {limit.TotalSeconds:0} s of virtual time after the run ended.");
        }

        await calls.ConfigureAwait(false);
    }

    public override void Dispose() => _ticker?.Dispose();
}
