namespace Breakwater.Simulator.Capacity;

/// <summary>A queued request. Its TaskCompletionSource is plain (no RunContinuationsAsynchronously) and is completed
/// outside the model's lock, so in virtual time the caller's continuation runs on the clock's thread.</summary>
internal sealed class QueueWaiter(ServiceRequest request, ModelPool pool)
{
    public ServiceRequest Request { get; } = request;

    public ModelPool Pool { get; } = pool;

    public TaskCompletionSource<ServiceTicket> Started { get; } = new();

    public LinkedListNode<QueueWaiter>? Node { get; set; }
}
