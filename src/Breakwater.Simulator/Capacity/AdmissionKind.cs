namespace Breakwater.Simulator.Capacity;

/// <summary>What the capacity model did with a request on arrival.</summary>
internal enum AdmissionKind
{
    /// <summary>A slot was free: service started at once.</summary>
    Started,

    /// <summary>Waiting in the model's FIFO queue.</summary>
    Queued,

    /// <summary>Slots and queue full: 529 overloaded_error (or its masked HTML 503 form).</summary>
    Rejected,
}
