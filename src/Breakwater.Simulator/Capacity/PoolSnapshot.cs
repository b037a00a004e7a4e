namespace Breakwater.Simulator.Capacity;

/// <summary>A consistent view of one model's pool, for tests and stats.</summary>
internal sealed record PoolSnapshot(
    string Model,
    double CapacityMultiplier,
    int Slots,
    int QueueBound,
    int Serving,
    int Rejecting,
    int Queued,
    long Started,
    long Rejected,
    long Abandoned,
    long StartedBeyondCapacity,
    int MaxServing,
    long Shed,
    long RandomRejected,
    long ServedAbandoned);
