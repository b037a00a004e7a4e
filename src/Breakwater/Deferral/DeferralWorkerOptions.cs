namespace Breakwater.Deferral;

/// <summary>How the <see cref="DeferralWorker"/> drains the queue.</summary>
public sealed class DeferralWorkerOptions
{
    /// <summary>Most jobs sent upstream at once, so the end of an incident is not met by a thundering herd. Default 4.</summary>
    public int MaxInFlight { get; set; } = 4;

    /// <summary>How often the queue is looked at. Default 5 seconds.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest one attempt of a job may take before it is abandoned and requeued. Default 10 minutes.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Where stored paths are sent (the invoker needs absolute URIs). Default <c>https://api.anthropic.com</c>.</summary>
    public Uri UpstreamBaseAddress { get; set; } = new("https://api.anthropic.com");

    /// <summary>
    /// Called on every outgoing request before it is sent, to add the credential (the store never keeps one in the
    /// headers). Default none.
    /// </summary>
    public Func<DeferredJob, HttpRequestMessage, CancellationToken, Task>? PrepareRequest { get; set; }

    /// <summary>
    /// Called once a job is final (succeeded, failed or expired), from the worker's poll. At least once: the call is
    /// repeated on later polls, also after a restart, until it returns without throwing. Default none.
    /// </summary>
    public Func<DeferredJob, CancellationToken, Task>? OnCompleted { get; set; }
}
