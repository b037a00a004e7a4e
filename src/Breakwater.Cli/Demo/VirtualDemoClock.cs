using Breakwater.Simulator.Time;

namespace Breakwater.Cli.Demo;

/// <summary>
/// The demo in virtual time, for tests: a tick moves <paramref name="time"/> forward by the scenario time one real tick
/// stands for at <paramref name="scale"/> (so arrivals are released in the same batches as at that scale in real
/// time), firing every due timer on the calling thread. Nothing waits in real time, and for a seed the run is the
/// same every time. The run must be on a thread without a SynchronizationContext (as <c>Task.Run</c> gives).
/// </summary>
internal sealed class VirtualDemoClock(VirtualTimeProvider time, double scale) : DemoClock
{
    private readonly TimeSpan _tick = TimeSpan.FromTicks((long)(RealTick.Ticks * scale));

    public override TimeProvider Time => time;

    public override void Start()
    {
    }

    public override ValueTask WaitForTickAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        time.Advance(_tick);
        return ValueTask.CompletedTask;
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

    public override void Dispose()
    {
    }
}
