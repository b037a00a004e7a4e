namespace Breakwater.Deferral;

/// <summary>
/// A durable queue of deferred requests. <see cref="SqliteDeferredJobStore"/> is the default; the interface lets a
/// server-backed store follow. Implementations must make a job durable before <see cref="EnqueueAsync"/> returns and
/// must never change a final result once set.
/// </summary>
public interface IDeferredJobStore
{
    /// <summary>Stores a new queued job, or returns the existing job when <paramref name="idempotencyKey"/> was used before by the same owner.</summary>
    /// <param name="owner">The caller's credential hash.</param>
    /// <param name="idempotencyKey">The caller's idempotency key, or null for none.</param>
    /// <param name="model">The model asked for, or null.</param>
    /// <param name="request">The request to send later; credential headers are dropped.</param>
    /// <param name="deadline">When the job expires if not done.</param>
    /// <param name="protectedCredential">The caller's key, already encrypted, kept only until the job ends; null for none.</param>
    /// <param name="lastError">Why the request is deferred (e.g. the live call's give-up), shown as the job's last error until an attempt replaces it; null for none.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The job and whether it was created.</returns>
    Task<DeferredEnqueueResult> EnqueueAsync(string owner, string? idempotencyKey, string? model, DeferredRequest request, DateTimeOffset deadline, ReadOnlyMemory<byte>? protectedCredential = null, string? lastError = null, CancellationToken cancellationToken = default);

    /// <summary>Reads a job; null when it does not exist or belongs to another owner.</summary>
    /// <param name="owner">The caller's credential hash.</param>
    /// <param name="id">The job id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The job or null.</returns>
    Task<DeferredJob?> GetAsync(string owner, string id, CancellationToken cancellationToken = default);

    /// <summary>The job an owner created with an idempotency key; null when there is none.</summary>
    /// <param name="owner">The caller's credential hash.</param>
    /// <param name="idempotencyKey">The caller's idempotency key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The job or null.</returns>
    Task<DeferredJob?> FindByIdempotencyKeyAsync(string owner, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Lists jobs of every owner, newest first (operator view).</summary>
    /// <param name="state">Only this state; null for all.</param>
    /// <param name="limit">At most this many; default 1,000.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The jobs.</returns>
    Task<IReadOnlyList<DeferredJob>> ListAsync(DeferredJobState? state = null, int limit = 1000, CancellationToken cancellationToken = default);

    /// <summary>Counts jobs per state.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A count for every state that has jobs.</returns>
    Task<IReadOnlyDictionary<DeferredJobState, long>> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>Queued jobs not yet past their deadline, earliest deadline first.</summary>
    /// <param name="limit">At most this many.</param>
    /// <param name="skipModels">Models whose jobs must wait (so they cannot crowd out the others); default none.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The jobs.</returns>
    Task<IReadOnlyList<DeferredJob>> PeekQueuedAsync(int limit, IReadOnlyCollection<string>? skipModels = null, CancellationToken cancellationToken = default);

    /// <summary>Moves a job from queued to running and counts the attempt; false when it was not queued.</summary>
    /// <param name="id">The job id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether this caller claimed the job.</returns>
    Task<bool> TryStartAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Puts a running job back in the queue with the error that stopped it; false when it was not running.</summary>
    /// <param name="id">The job id.</param>
    /// <param name="lastError">Why the attempt did not finish the job.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the job was requeued.</returns>
    Task<bool> RequeueAsync(string id, string lastError, CancellationToken cancellationToken = default);

    /// <summary>Sets the final result (succeeded or failed with the upstream response) and erases the stored credential. False when the job was already final.</summary>
    /// <param name="id">The job id.</param>
    /// <param name="state"><see cref="DeferredJobState.Succeeded"/> or <see cref="DeferredJobState.Failed"/>.</param>
    /// <param name="response">The upstream response exactly as returned.</param>
    /// <param name="lastError">An error note, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether this call set the final result.</returns>
    Task<bool> CompleteAsync(string id, DeferredJobState state, DeferredResponse response, string? lastError = null, CancellationToken cancellationToken = default);

    /// <summary>Expires every queued job whose deadline is at or before <paramref name="now"/>, keeping its last error, and erases their credentials.</summary>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many jobs expired.</returns>
    Task<int> ExpireDueAsync(DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Expires every queued job whose deadline is at or before <paramref name="now"/>, as
    /// <see cref="ExpireDueAsync(DateTimeOffset, CancellationToken)"/>, with the last error <paramref name="describe"/>
    /// gives for it (why it never ran). The default ignores <paramref name="describe"/> and keeps each job's last error.
    /// </summary>
    /// <param name="now">The current time.</param>
    /// <param name="describe">The expired job's new last error, from the job as it was still queued.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many jobs expired.</returns>
    Task<int> ExpireDueExplainedAsync(DateTimeOffset now, Func<DeferredJob, string> describe, CancellationToken cancellationToken = default) =>
        ExpireDueAsync(now, cancellationToken);

    /// <summary>Returns jobs left running by a crash to the queue (such a request may reach the upstream twice).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many jobs were requeued.</returns>
    Task<int> RecoverRunningAsync(CancellationToken cancellationToken = default);

    /// <summary>Final jobs whose completion callback has not been confirmed yet, oldest completion first.</summary>
    /// <param name="limit">At most this many.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The jobs.</returns>
    Task<IReadOnlyList<DeferredJob>> PeekUnnotifiedAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>Records that a final job's completion callback succeeded, so it is not called again.</summary>
    /// <param name="id">The job id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the job was final and not yet marked.</returns>
    Task<bool> MarkNotifiedAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The encrypted credential stored with a job, or null when none is (left).</summary>
    /// <param name="id">The job id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The protected bytes or null.</returns>
    Task<byte[]?> GetProtectedCredentialAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes final jobs that completed before <paramref name="completedBefore"/> (their results have been kept long
    /// enough to be collected). Jobs whose completion callback is still owed are kept when <paramref name="keepUnnotified"/>.
    /// </summary>
    /// <param name="completedBefore">Final jobs completed before this are deleted.</param>
    /// <param name="keepUnnotified">Keep final jobs whose completion callback has not succeeded yet.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many jobs were deleted.</returns>
    Task<int> PurgeAsync(DateTimeOffset completedBefore, bool keepUnnotified, CancellationToken cancellationToken = default);
}
