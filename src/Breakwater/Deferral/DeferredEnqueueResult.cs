namespace Breakwater.Deferral;

/// <summary>What <see cref="IDeferredJobStore.EnqueueAsync"/> did.</summary>
/// <param name="Job">The job: new, or the existing one for the same owner and idempotency key.</param>
/// <param name="Created">False when an existing job was returned for the idempotency key.</param>
public sealed record DeferredEnqueueResult(DeferredJob Job, bool Created);
