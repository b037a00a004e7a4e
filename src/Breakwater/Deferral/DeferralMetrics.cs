using System.Diagnostics.Metrics;
using Breakwater.Telemetry;

namespace Breakwater.Deferral;

/// <summary>
/// Deferral instruments, on a <c>Breakwater</c> meter of their owner's (a store or a worker; see
/// <see cref="BreakwaterMeter"/>). Tags never carry a credential.
/// </summary>
internal sealed class DeferralMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    /// <param name="factory">Where the meter comes from; null: a meter of its own, disposed with this.</param>
    public DeferralMetrics(IMeterFactory? factory)
    {
        _ownsMeter = factory is null;
        _meter = BreakwaterMeter.Create(factory);
        Enqueued = _meter.CreateCounter<long>("breakwater.deferral.enqueued", "{job}", "Deferred jobs accepted.");
        Finished = _meter.CreateCounter<long>("breakwater.deferral.finished", "{job}", "Deferred jobs that reached a final state.");
        Requeued = _meter.CreateCounter<long>("breakwater.deferral.requeued", "{attempt}", "Deferred job attempts that put the job back in the queue.");
    }

    /// <summary>Jobs accepted.</summary>
    public Counter<long> Enqueued { get; }

    /// <summary>Jobs that reached a final state, tagged state (succeeded, failed, expired).</summary>
    public Counter<long> Finished { get; }

    /// <summary>Job attempts that put the job back in the queue.</summary>
    public Counter<long> Requeued { get; }

    /// <summary>Reports a worker's queued jobs (as of its last poll) as <c>breakwater.deferral.queued</c>.</summary>
    public void ObserveQueued(Func<long> queued) =>
        _meter.CreateObservableGauge("breakwater.deferral.queued", queued, "{job}", "Deferred jobs waiting in the queue.");

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
