using Breakwater.Status;
using Breakwater.Telemetry.Journal;

namespace Breakwater.Cli.Doctor;

/// <summary>
/// Runs doctor's steps (status page, direct probe, probe through ANTHROPIC_BASE_URL, journal) concurrently where they
/// are independent, each with its own timeout and all within one budget, then asks <see cref="VerdictEngine"/>.
/// </summary>
internal sealed class DoctorRunner(DoctorEnvironment env)
{
    public const string ApiKeyVariable = "ANTHROPIC_API_KEY";
    public const string BaseUrlVariable = "ANTHROPIC_BASE_URL";

    public async Task<DoctorReport> RunAsync(DoctorSettings settings, CancellationToken cancellationToken)
    {
        using var budget = new CancellationTokenSource(env.TotalBudget, env.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(budget.Token, cancellationToken);
        using var http = new HttpClient(env.CreateHandler(), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };

        var statusOptions = new StatusPageOptions { Timeout = env.StatusTimeout };
        if (settings.StatusUrl is not null)
        {
            statusOptions.BaseUrl = new Uri(settings.StatusUrl);
        }

        using var statusClient = new StatusPageClient(http, statusOptions, env.Time);
        var statusTask = statusClient.GetSummaryAsync(linked.Token);

        var key = env.GetEnvironmentVariable(ApiKeyVariable);
        var baseUrl = new Uri(settings.BaseUrl);
        var probe = new ApiProbe(http, env.Time);
        Task<ProbeResult> directTask;
        Task<ProbeResult>? gatewayTask = null;
        if (string.IsNullOrWhiteSpace(key))
        {
            directTask = Task.FromResult(ProbeResult.Skip("direct", baseUrl.AbsoluteUri, $"{ApiKeyVariable} is not set"));
        }
        else
        {
            directTask = probe.RunAsync("direct", baseUrl, key, settings.Model, env.ProbeCount, env.ProbeSpacing, env.RequestTimeout, linked.Token);
            var configured = env.GetEnvironmentVariable(BaseUrlVariable);
            if (!string.IsNullOrWhiteSpace(configured) && DoctorSettings.IsHttpUrl(configured) && !SameBase(new Uri(configured), baseUrl))
            {
                gatewayTask = probe.RunAsync($"via {BaseUrlVariable}", new Uri(configured), key, settings.Model, env.ProbeCount, env.ProbeSpacing, env.RequestTimeout, linked.Token);
            }
        }

        var journalPath = JournalOptions.Expand(settings.Journal ?? JournalOptions.DefaultPath());
        var journal = ReadJournal(journalPath, env.Time.GetUtcNow());

        var status = await statusTask.ConfigureAwait(false);
        var direct = await directTask.ConfigureAwait(false);
        var gateway = gatewayTask is null ? null : await gatewayTask.ConfigureAwait(false);
        var diagnosis = VerdictEngine.Decide(status, direct, gateway, journal);
        return new DoctorReport(status, statusOptions.BaseUrl.AbsoluteUri, direct, gateway, journal, diagnosis);
    }

    private JournalSummary ReadJournal(string path, DateTimeOffset now)
    {
        try
        {
            var records = new JournalReader(path).ReadSince(now - env.JournalWindow);
            return JournalSummary.From(path, env.JournalWindow, records);
        }
        #pragma warning disable CA1031 // Catch-all by design: a damaged or locked journal is lost evidence, reported as such; the doctor keeps diagnosing.
        catch (Exception ex)
        {
            // A damaged or locked journal is evidence lost, not a reason to stop diagnosing.
            return JournalSummary.Empty(path, env.JournalWindow, $"unreadable ({ex.GetType().Name})");
        }
        #pragma warning restore CA1031
    }

    internal static bool SameBase(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase) &&
        string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) &&
        a.Port == b.Port &&
        string.Equals(a.AbsolutePath.TrimEnd('/'), b.AbsolutePath.TrimEnd('/'), StringComparison.Ordinal);
}
