using System.ComponentModel.DataAnnotations;

namespace Breakwater.Concurrency;

/// <summary>
/// An adaptive (AIMD) concurrency limit per (client, model): it shrinks multiplicatively on 529s and attempt timeouts
/// and grows additively on successes. Calls over the limit wait in a bounded queue, within their deadline, instead of
/// hammering an overloaded upstream.
/// </summary>
public sealed class ConcurrencyOptions
{
    /// <summary>Whether the limit is used. Default <c>true</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The starting limit: high, so that it never queues a healthy client; the first overload brings it down to what was in flight. Default 4,096 (a gateway is one client for all its callers, and a stream holds its slot until it ends).</summary>
    [Range(1, 100_000)]
    public int InitialLimit { get; set; } = 4096;

    /// <summary>The floor. Default 1.</summary>
    [Range(1, 100_000)]
    public int MinLimit { get; set; } = 1;

    /// <summary>The ceiling. Default 16,384.</summary>
    [Range(1, 1_000_000)]
    public int MaxLimit { get; set; } = 16384;

    /// <summary>Factor applied to the limit on an overload or timeout. Default 0.75.</summary>
    [Range(0.1, 0.99)]
    public double DecreaseFactor { get; set; } = 0.75;

    /// <summary>How many calls may wait for a slot; past it a call fails at once (<c>breakwater-giveup: queue</c>). Default 1,000.</summary>
    [Range(0, 1_000_000)]
    public int MaxQueue { get; set; } = 1000;
}
