using System.Collections.Concurrent;

namespace Breakwater.Cli.Demo;

/// <summary>What one side of the demo saw. Thread-safe.</summary>
internal sealed class DemoPathStats(string name)
{
    private long _sent;
    private long _succeeded;
    private long _attempts;
    private long _failedAttempts;
    private long _fallbacks;
    private long _noResponse;
    private readonly ConcurrentDictionary<string, long> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _requestIds = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public long Sent => Interlocked.Read(ref _sent);

    public long Succeeded => Interlocked.Read(ref _succeeded);

    public long Failed => Failures.Values.Sum();

    public long InFlight => Sent - Succeeded - Failed;

    public long UpstreamAttempts => Interlocked.Read(ref _attempts);

    public long FailedAttempts => Interlocked.Read(ref _failedAttempts);

    public long Fallbacks => Interlocked.Read(ref _fallbacks);

    public IReadOnlyDictionary<string, long> Failures => _failures;

    public int RequestIdsKept => _requestIds.Count;

    public IEnumerable<string> RequestIds => _requestIds.Keys;

    public void OnSent() => Interlocked.Increment(ref _sent);

    public void OnSucceeded() => Interlocked.Increment(ref _succeeded);

    public void OnFailed(string kind) => _failures.AddOrUpdate(kind, 1, static (_, n) => n + 1);

    public void OnAttempt(bool failed)
    {
        Interlocked.Increment(ref _attempts);
        if (failed)
        {
            Interlocked.Increment(ref _failedAttempts);
        }
    }

    public long AttemptsWithoutResponse => Interlocked.Read(ref _noResponse);

    public void OnAttemptWithoutResponse()
    {
        Interlocked.Increment(ref _attempts);
        Interlocked.Increment(ref _noResponse);
    }

    public void OnFallback() => Interlocked.Increment(ref _fallbacks);

    public void KeepRequestId(string requestId) => _requestIds.TryAdd(requestId, 0);
}
