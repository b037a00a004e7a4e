namespace Breakwater.Deferral;

/// <summary>A deferred job as stored.</summary>
/// <param name="Id">128-bit random id, <c>job_</c> + 32 hex digits.</param>
/// <param name="Owner">The credential hash of the caller; reads and idempotency keys are scoped to it.</param>
/// <param name="IdempotencyKey">The caller's idempotency key, or null.</param>
/// <param name="Model">The model asked for (used to skip models whose breaker is open), or null.</param>
/// <param name="State">The current state.</param>
/// <param name="CreatedAt">When the job was accepted.</param>
/// <param name="Deadline">After this the job expires instead of running.</param>
/// <param name="CompletedAt">When the job reached a final state, or null.</param>
/// <param name="Attempts">How many times the job has been started.</param>
/// <param name="Request">The stored request.</param>
/// <param name="Response">The final upstream response, or null.</param>
/// <param name="LastError">Why the last attempt did not finish the job, or null.</param>
public sealed record DeferredJob(
    string Id,
    string Owner,
    string? IdempotencyKey,
    string? Model,
    DeferredJobState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset Deadline,
    DateTimeOffset? CompletedAt,
    int Attempts,
    DeferredRequest Request,
    DeferredResponse? Response,
    string? LastError)
{
    /// <summary>True for succeeded, failed and expired.</summary>
    public bool IsFinal => State is DeferredJobState.Succeeded or DeferredJobState.Failed or DeferredJobState.Expired;
}
