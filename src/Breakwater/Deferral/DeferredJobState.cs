namespace Breakwater.Deferral;

/// <summary>Where a deferred job is in its life. Succeeded, failed and expired are final: a job never leaves them.</summary>
public enum DeferredJobState
{
    /// <summary>Accepted and durable, waiting for capacity.</summary>
    Queued = 0,
    /// <summary>Being sent upstream now.</summary>
    Running = 1,
    /// <summary>The upstream answered with a success; the response is kept exactly as returned.</summary>
    Succeeded = 2,
    /// <summary>The upstream answered with a final error (not an overload); the response is kept exactly as returned.</summary>
    Failed = 3,
    /// <summary>The deadline passed before the job could be served; <see cref="DeferredJob.LastError"/> says why.</summary>
    Expired = 4,
}
