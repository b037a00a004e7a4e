namespace Breakwater.Deferral;

/// <summary>How the <see cref="DeferralWorker"/> drains the queue.</summary>
public sealed class DeferralWorkerOptions
{
    /// <summary>Most jobs sent upstream at once, so the end of an incident is not met by a thundering herd. Default 4.</summary>
    public int MaxInFlight { get; set; } = 4;

    /// <summary>
    /// How long a model must go without an overload signal (529, overloaded stream error, attempt timeout) before its
    /// jobs are sent again: the worker's own failed attempts count too, so during an incident it probes at most once per
    /// period instead of adding load. A live call that had to wait for a concurrency slot also restarts the period. Default 5 minutes.
    /// </summary>
    public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The shortest quiet period a job with a near deadline waits. A job's own quiet period is a quarter of the time it
    /// was given (deadline minus creation), at least this and at most <see cref="QuietPeriod"/>, so a job deferred for
    /// 2 minutes waits for 30 seconds of quiet, not 5 minutes, and gets its attempts before it expires. Default 30 seconds.
    /// </summary>
    public TimeSpan MinQuietPeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The shortest time a job may be given and still be sure of one attempt: the shortest quiet period
    /// (<see cref="MinQuietPeriod"/>, or <see cref="QuietPeriod"/> when shorter) plus one <see cref="PollInterval"/>.
    /// The gateway refuses a shorter <c>breakwater-defer</c> with 400.
    /// </summary>
    public TimeSpan ShortestDeferral => (MinQuietPeriod < QuietPeriod ? MinQuietPeriod : QuietPeriod) + PollInterval;

    /// <summary>
    /// The quiet period a job given <paramref name="window"/> (its deadline minus its creation) waits for: a quarter
    /// of the window, at least <see cref="MinQuietPeriod"/>, at most <see cref="QuietPeriod"/>. Even if every attempt
    /// meets an overload (which restarts the quiet period), the job is tried several times before its deadline.
    /// </summary>
    /// <param name="window">How long the job was given.</param>
    /// <returns>The quiet period for that job.</returns>
    public TimeSpan QuietPeriodFor(TimeSpan window)
    {
        var quarter = window / 4;
        var bounded = quarter > MinQuietPeriod ? quarter : MinQuietPeriod;
        return bounded < QuietPeriod ? bounded : QuietPeriod;
    }

    /// <summary>Whether every poll counts the jobs per state (<see cref="DeferralWorker.Counts"/>, the queue-depth gauge). Default <c>true</c>.</summary>
    public bool TrackCounts { get; set; } = true;

    /// <summary>
    /// Share of a model's adaptive concurrency limit that live calls and jobs may fill together before jobs wait, so
    /// live calls arriving meanwhile still find slots (one job may always run when nothing is in flight). Default 0.25.
    /// </summary>
    public double MaxLimitShare { get; set; } = 0.25;

    /// <summary>
    /// How long a finished job (its result) is kept before the worker deletes it; <see cref="TimeSpan.Zero"/> or less
    /// keeps jobs forever. Jobs whose <see cref="OnCompleted"/> callback is still owed are kept. Default 7 days.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

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

    /// <summary>Every problem with these settings, one message each; empty when they are valid.</summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (MaxInFlight < 1)
        {
            problems.Add($"MaxInFlight must be at least 1 (is {MaxInFlight}).");
        }

        if (PollInterval <= TimeSpan.Zero)
        {
            problems.Add($"PollInterval must be positive (is {PollInterval}).");
        }

        if (AttemptTimeout <= TimeSpan.Zero)
        {
            problems.Add($"AttemptTimeout must be positive (is {AttemptTimeout}).");
        }

        if (!(MaxLimitShare > 0 && MaxLimitShare <= 1))
        {
            problems.Add($"MaxLimitShare must be in (0, 1] (is {MaxLimitShare}).");
        }

        if (QuietPeriod < TimeSpan.Zero)
        {
            problems.Add($"QuietPeriod must not be negative (is {QuietPeriod}).");
        }

        if (MinQuietPeriod < TimeSpan.Zero)
        {
            problems.Add($"MinQuietPeriod must not be negative (is {MinQuietPeriod}).");
        }

        if (UpstreamBaseAddress is null || !UpstreamBaseAddress.IsAbsoluteUri)
        {
            problems.Add("UpstreamBaseAddress must be an absolute URL.");
        }

        return problems;
    }
}
