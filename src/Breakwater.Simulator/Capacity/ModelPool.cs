using Breakwater.Simulator.Scenarios;

namespace Breakwater.Simulator.Capacity;

/// <summary>One model's slots and queue. Mutated only under <see cref="CapacityModel"/>'s lock.</summary>
internal sealed class ModelPool(ScenarioModel model)
{
    public ScenarioModel Model { get; } = model;

    /// <summary>Requests in service (may exceed the slots for a while after capacity drops: running work finishes).</summary>
    public int Serving { get; set; }

    /// <summary>Slots held by recent 529s (each for the rejection cost).</summary>
    public int Rejecting { get; set; }

    public LinkedList<QueueWaiter> Queue { get; } = new();

    public int Busy => Serving + Rejecting;

    public long Started { get; set; }

    public long Rejected { get; set; }

    public long Abandoned { get; set; }

    /// <summary>Services started while Serving already reached the slots: must stay 0 (a property the tests check).</summary>
    public long StartedBeyondCapacity { get; set; }

    public int MaxServing { get; set; }

    /// <summary>Queued requests answered 529 by the server-side queue timeout (also counted in <see cref="Rejected"/>).</summary>
    public long Shed { get; set; }

    /// <summary>529s of the random-overload window, whatever the load (also counted in <see cref="Rejected"/>).</summary>
    public long RandomRejected { get; set; }

    /// <summary>Abandoned queued requests served anyway (<see cref="Scenario.ServeAbandonedQueued"/>).</summary>
    public long ServedAbandoned { get; set; }
}
