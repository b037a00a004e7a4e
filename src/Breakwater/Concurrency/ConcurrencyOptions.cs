using System.ComponentModel.DataAnnotations;

namespace Breakwater.Concurrency;

/// <summary>
/// An adaptive (AIMD) concurrency limit per (client, model): it shrinks multiplicatively on 529s and attempt timeouts
/// (never on the caller's own deadline or cancellation) and grows additively on successes and, with time, on its own:
/// it probes upward while calls wait and returns to <see cref="InitialLimit"/> once the model has been quiet. Calls
/// over the limit wait in a bounded queue, within their deadline, instead of hammering an overloaded upstream.
/// </summary>
public sealed class ConcurrencyOptions
{
    /// <summary>Whether the limit is used. Default <c>true</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The starting limit: high, so that it never queues a healthy client; the first overload brings it down to what was in flight. Idle recovery (<see cref="RecoveryInterval"/>) returns to it. Default 4,096 (a gateway is one client for all its callers, and a stream holds its slot until it ends).</summary>
    [Range(1, 100_000)]
    public int InitialLimit { get; set; } = 4096;

    /// <summary>
    /// The floor no overload takes the limit below. Default 1, right for a client whose own concurrency is a few calls;
    /// the gateway, one client for all its callers, defaults to 4 so that one call meeting a storm at idle leaves room
    /// for others.
    /// </summary>
    [Range(1, 100_000)]
    public int MinLimit { get; set; } = 1;

    /// <summary>The ceiling. Default 16,384.</summary>
    [Range(1, 1_000_000)]
    public int MaxLimit { get; set; } = 16384;

    /// <summary>Factor applied to what was in flight (or the limit, when lower) on an overload or attempt timeout; once per storm: not again for an attempt that started before the last decrease, nor within a second of it. Default 0.75.</summary>
    [Range(0.1, 0.99)]
    public double DecreaseFactor { get; set; } = 0.75;

    /// <summary>How many calls may wait for a slot; past it a call fails at once (<c>breakwater-giveup: queue</c>). Default 1,000.</summary>
    [Range(0, 1_000_000)]
    public int MaxQueue { get; set; } = 1000;

    /// <summary>
    /// While calls wait for a slot after an isolated decrease (no other decrease within <see cref="RecoveryInterval"/>
    /// before it), how long without an overload signal (since it, the last probe step, or the first call starting to
    /// wait) before the limit probes upward: by one slot, then two, four… each interval while no overload comes back
    /// (never more than wait), until nothing waits; an overload meanwhile shrinks it again and starts the steps from one. During a sustained incident (decreases keep coming) the limit grows
    /// only on successes, so probing never adds load to an upstream that keeps refusing. Default 20 s.
    /// </summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>With nothing waiting, how long without an overload signal before a shrunk limit is back at <see cref="InitialLimit"/>, whether or not traffic came. Default 30 s.</summary>
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromSeconds(30);
}
