namespace Breakwater.Simulator.Capacity;

/// <summary>A queued request. Its TaskCompletionSource is plain (no RunContinuationsAsynchronously) and is completed
/// outside the model's lock, so in virtual time the caller's continuation runs on the clock's thread.</summary>
internal sealed class QueueWaiter(ServiceRequest request, ModelPool pool)
{
    public ServiceRequest Request { get; } = request;

    public ModelPool Pool { get; } = pool;

    public TaskCompletionSource<ServiceTicket> Started { get; } = new();

    public LinkedListNode<QueueWaiter>? Node { get; set; }

    /// <summary>The client left (with <see cref="Scenarios.Scenario.ServeAbandonedQueued"/> it may still be queued).</summary>
    public bool Abandoned { get; set; }

    /// <summary>Taken out of the queue by the server-side queue timeout: its caller answers 529.</summary>
    public bool Shed { get; set; }
}
