namespace Breakwater.Simulator.Capacity;

/// <summary>A request in service: everything random about it was drawn when service started, so one seed gives one run.</summary>
internal sealed class ServiceTicket
{
    private readonly TaskCompletionSource _released = new();

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Time from service start to the last byte (message_stop).</summary>
    public required TimeSpan ServiceTime { get; init; }

    public required int OutputTokens { get; init; }

    /// <summary>Number of content_block_delta events of a stream.</summary>
    public required int DeltaCount { get; init; }

    public required MidStreamFailure Failure { get; init; }

    /// <summary>For <see cref="MidStreamFailure.AfterDeltas"/>: how many deltas go out before the error (1..DeltaCount).</summary>
    public required int FailAfterDeltas { get; init; }

    /// <summary>How long the slot is held: the service time, or until the stream fails.</summary>
    public required TimeSpan HoldTime { get; init; }

    /// <summary>Completes (on the timer's thread, synchronously) when the slot is released.</summary>
    public Task Released => _released.Task;

    internal void MarkReleased() => _released.TrySetResult();

    /// <summary>When delta <paramref name="index"/> (0-based) is due, relative to service start.</summary>
    public TimeSpan DeltaOffset(int index) => ServiceTime * ((index + 1.0) / (DeltaCount + 1.0));

    /// <summary>When the mid-stream error is due, relative to service start.</summary>
    public TimeSpan FailureOffset => FailureOffsetOf(ServiceTime, DeltaCount, Failure, FailAfterDeltas);

    /// <summary>Halfway between the last delta sent and the next one (or message_start), so the error never ties with a delta.</summary>
    public static TimeSpan FailureOffsetOf(TimeSpan serviceTime, int deltaCount, MidStreamFailure failure, int failAfterDeltas) => failure switch
    {
        MidStreamFailure.BeforeFirstDelta => serviceTime * (0.5 / (deltaCount + 1.0)),
        MidStreamFailure.AfterDeltas => serviceTime * ((failAfterDeltas + 0.5) / (deltaCount + 1.0)),
        _ => serviceTime,
    };
}
