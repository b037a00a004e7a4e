namespace Breakwater.Gateway.Features.Jobs;

/// <summary>Durable deferral (<c>breakwater-defer</c> header, <c>/v1/breakwater/jobs/{id}</c>), bound from <c>Breakwater:Deferral</c>.</summary>
public sealed class GatewayDeferralOptions
{
    /// <summary>Whether <c>breakwater-defer</c> is honoured. Default <c>true</c>; the database is only created on the first deferral.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The job database; Data Protection keys are kept in <c>jobs-keys</c> next to it. Default <c>~/.breakwater/jobs.db</c>.</summary>
    public string Path { get; set; } = System.IO.Path.Combine("~", ".breakwater", "jobs.db");

    /// <summary>
    /// The folder of the Data Protection keys that encrypt a pass-through caller's credential while its job waits
    /// (for example a secret mount). Default empty: <c>jobs-keys</c> next to <see cref="Path"/>.
    /// </summary>
    public string KeysPath { get; set; } = "";

    /// <summary>
    /// A PKCS#12 (<c>.pfx</c>) certificate with its private key that encrypts those keys at rest (for example from a
    /// secret store, mounted as a file). Default empty: on Windows the keys are encrypted with DPAPI, elsewhere they
    /// are stored unencrypted, in files only the gateway's user can read (0600, folder 0700).
    /// </summary>
    public string KeyCertificatePath { get; set; } = "";

    /// <summary>The password of <see cref="KeyCertificatePath"/>, best given as <c>BREAKWATER__Breakwater__Deferral__KeyCertificatePassword</c>. Default empty.</summary>
    public string KeyCertificatePassword { get; set; } = "";

    /// <summary>The longest deadline a caller may ask for. Default 24 hours.</summary>
    public TimeSpan MaxDeadline { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Most deferred jobs sent upstream at once. Default 4.</summary>
    public int MaxInFlight { get; set; } = 4;

    /// <summary>How often the queue is looked at. Default 5 seconds.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a model must go without an overload signal (or a live call waiting for a slot) before its deferred jobs are sent again. Default 5 minutes.</summary>
    public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The shortest quiet period a job with a near deadline waits: a job's own quiet period is a quarter of its
    /// <c>breakwater-defer</c>, at least this and at most <see cref="QuietPeriod"/>. Default 30 seconds.
    /// </summary>
    public TimeSpan MinQuietPeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The worker options these settings stand for (pace, polling, quiet periods, retention).</summary>
    internal Breakwater.Deferral.DeferralWorkerOptions Worker() => new()
    {
        MaxInFlight = MaxInFlight,
        PollInterval = PollInterval,
        QuietPeriod = QuietPeriod,
        MinQuietPeriod = MinQuietPeriod,
        Retention = Retention,
    };

    /// <summary>How long a finished job's result stays readable at <c>/v1/breakwater/jobs/{id}</c> before it is deleted; zero keeps jobs forever. Default 7 days.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    internal string FullPath => Breakwater.Telemetry.Journal.JournalOptions.Expand(Path);

    internal string FullKeysPath => KeysPath.Length > 0
        ? Breakwater.Telemetry.Journal.JournalOptions.Expand(KeysPath)
        : System.IO.Path.Combine(System.IO.Path.GetDirectoryName(FullPath) ?? ".", "jobs-keys");
}
