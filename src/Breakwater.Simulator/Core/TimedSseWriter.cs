using System.Buffers;
using System.IO.Pipelines;

namespace Breakwater.Simulator.Core;

/// <summary>
/// Writes SSE chunks into a pipe at given offsets from the start, from timer callbacks only. The pipe's reader and
/// writer schedulers are inline and there is no back-pressure, so a reader's continuation runs on the timer's thread:
/// under a virtual clock a whole stream is produced and consumed on the thread that drives the clock.
/// </summary>
internal sealed class TimedSseWriter
{
    private readonly Pipe _pipe = new(new PipeOptions(
        readerScheduler: PipeScheduler.Inline,
        writerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: 0,
        resumeWriterThreshold: 0,
        useSynchronizationContext: false));

    private readonly IReadOnlyList<(TimeSpan Offset, byte[] Chunk)> _steps;
    private readonly TimeProvider _time;
    private ITimer? _timer;
    private int _next;
    private bool _done;

    public TimedSseWriter(TimeProvider time, IReadOnlyList<(TimeSpan Offset, byte[] Chunk)> steps)
    {
        _time = time;
        _steps = steps;
    }

    public PipeReader Reader => _pipe.Reader;

    /// <summary>Writes every chunk due at offset zero now and arms the timer for the rest.</summary>
    public void Start()
    {
        // Created disarmed before any write so a callback can never observe a half-initialised writer.
        _timer = _time.CreateTimer(static s => ((TimedSseWriter)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        WriteDue(TimeSpan.Zero);
    }

    private void OnTimer()
    {
        WriteDue(_steps[_next].Offset);
    }

    private void WriteDue(TimeSpan now)
    {
        if (_done)
        {
            return;
        }

        var writer = _pipe.Writer;
        var wrote = false;
        while (_next < _steps.Count && _steps[_next].Offset <= now)
        {
            writer.Write(_steps[_next].Chunk);
            _next++;
            wrote = true;
        }

        if (wrote)
        {
            var flush = writer.FlushAsync();
            // Without back-pressure a flush completes at once; if the reader has gone, nobody is listening any more.
            if (flush.IsCompletedSuccessfully && flush.Result.IsCompleted)
            {
                Finish();
                return;
            }

            if (!flush.IsCompleted)
            {
                _ = flush.AsTask();
            }
        }

        if (_next >= _steps.Count)
        {
            Finish();
            return;
        }

        _timer!.Change(_steps[_next].Offset - now, Timeout.InfiniteTimeSpan);
    }

    private void Finish()
    {
        _done = true;
        _timer?.Dispose();
        _pipe.Writer.Complete();
    }
}
