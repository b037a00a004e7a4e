using Breakwater.Status;
using Breakwater.Telemetry.Journal;

namespace Breakwater.Cli.Doctor;

/// <summary>Reads the journal as episodes and matches status-page incidents to them (incidents are posted after errors begin, so matching happens now, at read time).</summary>
internal sealed class IncidentsRunner(DoctorEnvironment env)
{
    public async Task<IncidentsReport> RunAsync(IncidentsSettings settings, CancellationToken cancellationToken)
    {
        var now = env.Time.GetUtcNow();
        var since = now - settings.SinceSpan;
        var path = JournalOptions.Expand(settings.Journal ?? JournalOptions.DefaultPath());
        var records = new JournalReader(path).ReadSince(since);

        IReadOnlyList<StatusIncident>? incidents = null;
        var known = false;
        string? error = null;
        if (!settings.NoStatus && records.Count > 0)
        {
            using var http = new HttpClient(env.CreateHandler(), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
            var options = new StatusPageOptions { Timeout = env.StatusTimeout };
            if (settings.StatusUrl is not null)
            {
                options.BaseUrl = new Uri(settings.StatusUrl);
            }

            using var client = new StatusPageClient(http, options, env.Time);
            var list = await client.GetIncidentsAsync(cancellationToken).ConfigureAwait(false);
            known = list.IsKnown;
            error = list.Error;
            incidents = list.Incidents;
        }

        var episodes = JournalReader.GroupEpisodes(records, incidents);
        return new IncidentsReport(path, since, now, episodes, !settings.NoStatus && records.Count > 0, known, error);
    }
}
