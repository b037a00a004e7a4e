namespace Breakwater.Tests.Integration;

/// <summary>
/// Sits inside Breakwater in the SDK's Handlers and records every attempt at the moment Breakwater sends it, on the
/// fake clock. Breakwater's retry wait resumes on the thread that fires the timer, so after
/// <c>FakeTimeProvider.Advance</c> returns this has already seen (or not seen) the next attempt: no real-time wait needed.
/// </summary>
internal sealed class RecordingHandler(TimeProvider time) : DelegatingHandler
{
    private readonly Lock _lock = new();
    private readonly List<DateTimeOffset> _sentAt = [];

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _sentAt.Count;
            }
        }
    }

    public IReadOnlyList<DateTimeOffset> SentAt
    {
        get
        {
            lock (_lock)
            {
                return _sentAt.ToArray();
            }
        }
    }

    /// <summary>Seconds of fake time from the first attempt to each attempt.</summary>
    public double[] SecondsOfAttempts()
    {
        var at = SentAt;
        return at.Select(t => (t - at[0]).TotalSeconds).ToArray();
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _sentAt.Add(time.GetUtcNow());
        }

        return base.SendAsync(request, cancellationToken);
    }
}
