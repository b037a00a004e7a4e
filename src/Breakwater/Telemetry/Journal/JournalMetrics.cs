using System.Diagnostics.Metrics;

namespace Breakwater.Telemetry.Journal;

/// <summary>The journal's instruments, on a <c>Breakwater</c> meter of the journal's own (see <see cref="BreakwaterMeter"/>).</summary>
internal sealed class JournalMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    /// <param name="factory">Where the meter comes from; null: a meter of its own, disposed with this.</param>
    public JournalMetrics(IMeterFactory? factory)
    {
        _ownsMeter = factory is null;
        _meter = BreakwaterMeter.Create(factory);
        Written = _meter.CreateCounter<long>("breakwater.journal.records", "{record}", "Failed attempts written to the incident journal.");
        Dropped = _meter.CreateCounter<long>("breakwater.journal.dropped", "{record}", "Failed attempts the incident journal dropped (queue full, disk error, after disposal).");
    }

    /// <summary>Records written.</summary>
    public Counter<long> Written { get; }

    /// <summary>Records dropped.</summary>
    public Counter<long> Dropped { get; }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
