namespace Breakwater.Simulator.Capacity;

/// <summary>The outcome of <see cref="CapacityModel.Admit"/>.</summary>
internal sealed class Admission
{
    public required AdmissionKind Kind { get; init; }

    /// <summary>For a rejection: whether to send it as a masked HTML 503.</summary>
    public bool Masked { get; init; }

    /// <summary>For Started: the ticket. For Queued: completes when service starts (or is cancelled).</summary>
    public Task<ServiceTicket>? Ticket { get; init; }

    /// <summary>For Queued: the place in the queue, to leave it on cancellation.</summary>
    internal QueueWaiter? Waiter { get; init; }
}
