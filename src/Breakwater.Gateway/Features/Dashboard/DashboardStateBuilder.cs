using System.Globalization;
using Breakwater.Gateway.Features.Proxy;
using Breakwater.Health;
using Breakwater.Status;
using Breakwater.Telemetry;
using Breakwater.Telemetry.Journal;

namespace Breakwater.Gateway.Features.Dashboard;

/// <summary>
/// Assembles <see cref="DashboardState"/> from the pipeline's live state, the traffic recorder, the journal and the
/// status page monitor. The journal is read at most every few seconds, however many dashboards poll.
/// </summary>
internal sealed class DashboardStateBuilder
{
    private static readonly TimeSpan EpisodeHorizon = TimeSpan.FromHours(24);
    private static readonly TimeSpan JournalCacheDuration = TimeSpan.FromSeconds(3);
    private const int MaxEpisodes = 10;
    private const int MaxEpisodeRequestIds = 25;
    private const int MaxJournalRecords = 20_000;

    private readonly GatewayOptions _options;
    private readonly UpstreamClient _upstream;
    private readonly TrafficRecorder _recorder;
    private readonly StatusPageMonitor? _monitor;
    private readonly Jobs.DeferralRuntime? _deferral;
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _startedAt;
    private readonly Lock _journalGate = new();
    private (DateTimeOffset At, EpisodesInfo Value)? _journalCache;

    public DashboardStateBuilder(GatewayOptions options, UpstreamClient upstream, TrafficRecorder recorder, TimeProvider time, StatusPageMonitor? monitor = null, Jobs.DeferralRuntime? deferral = null)
    {
        _deferral = deferral;
        _options = options;
        _upstream = upstream;
        _recorder = recorder;
        _monitor = monitor;
        _time = time;
        _startedAt = time.GetUtcNow();
    }

    public DashboardState Build()
    {
        var now = _time.GetUtcNow();
        var state = _upstream.State;
        var traffic = _recorder.Snapshot();
        var (firstAttempts, retries) = state.Budget.Snapshot();
        var models = state.Models
            .OrderBy(m => m.Model, StringComparer.Ordinal)
            .Select(m => new ModelInfo(
                string.IsNullOrEmpty(m.Model) ? "(none)" : m.Model,
                BreakerStates.ToWire(BreakerStates.From(m.BreakerState)),
                m.Limiter.Limit,
                m.Limiter.InFlight,
                m.Limiter.Queued,
                Math.Round(m.Throttle.RejectProbability, 4),
                state.Options.Fallback.After(m.Model)))
            .ToList();

        return new DashboardState(
            new GatewayInfo(Display(_upstream.BaseAddress), _options.Auth.Mode.ToString(), typeof(DashboardStateBuilder).Assembly.GetName().Version?.ToString(3) ?? "", _startedAt, now),
            new BudgetInfo(firstAttempts, retries, state.Options.Budget.Ratio, state.Options.Budget.MinRetries),
            models,
            (int)TrafficRecorder.BucketWidth.TotalSeconds,
            traffic.Series,
            traffic.Totals,
            traffic.Failures.Select(ToInfo).ToList(),
            traffic.Fallbacks,
            Episodes(now, traffic),
            Status(),
            Jobs());
    }

    private JobsInfo Jobs()
    {
        var counts = _deferral?.Counts;
        long Count(Breakwater.Deferral.DeferredJobState state) => counts is not null && counts.TryGetValue(state, out var n) ? n : 0;
        return new JobsInfo(
            _options.Deferral.Enabled,
            counts is not null,
            Count(Breakwater.Deferral.DeferredJobState.Queued),
            Count(Breakwater.Deferral.DeferredJobState.Running),
            _deferral?.InFlight ?? 0,
            Count(Breakwater.Deferral.DeferredJobState.Succeeded),
            Count(Breakwater.Deferral.DeferredJobState.Failed),
            Count(Breakwater.Deferral.DeferredJobState.Expired));
    }

    private static string Camel(string name) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name);

    private static string Display(Uri upstream) => upstream.GetLeftPart(UriPartial.Path).TrimEnd('/');

    private static FailureInfo ToInfo(AttemptRecord r) => new(
        r.Timestamp,
        string.IsNullOrEmpty(r.Model) ? "(none)" : r.Model,
        r.StatusCode,
        r.Kind.ToString(),
        r.ErrorType,
        r.RequestId,
        Camel(r.Decision.ToString()),
        r.GiveUp == Retry.GiveUpReason.None ? null : Retry.GiveUpReasons.ToWire(r.GiveUp),
        r.FallbackModel,
        r.Attempt,
        r.Message);

    private EpisodesInfo Episodes(DateTimeOffset now, TrafficSnapshot traffic)
    {
        var incidents = _monitor?.Current?.Incidents;
        if (!_options.Journal.Enabled)
        {
            return new EpisodesInfo("memory", ToInfos(JournalReader.GroupEpisodes(traffic.Failures, incidents)), null);
        }

        lock (_journalGate)
        {
            if (_journalCache is { } cached && now - cached.At < JournalCacheDuration && now >= cached.At)
            {
                return cached.Value;
            }
        }

        EpisodesInfo value;
        try
        {
            var records = new JournalReader(_options.Journal.Path).ReadSince(now - EpisodeHorizon, MaxJournalRecords);
            value = new EpisodesInfo("journal", ToInfos(JournalReader.GroupEpisodes(records, incidents)), null);
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // A journal that cannot be read must not take the dashboard down; say so instead.
            value = new EpisodesInfo("error", [], "The journal could not be read (" + ex.GetType().Name + ").");
        }

        lock (_journalGate)
        {
            _journalCache = (now, value);
        }

        return value;
    }

    private static List<EpisodeInfo> ToInfos(IReadOnlyList<JournalEpisode> episodes) =>
        episodes.Reverse().Take(MaxEpisodes).Select(e => new EpisodeInfo(
            e.First,
            e.Last,
            e.Count,
            e.GaveUp,
            e.CountsByKind.ToDictionary(k => k.Key.ToString(), k => k.Value, StringComparer.Ordinal),
            new Dictionary<string, int>(e.CountsByModel, StringComparer.Ordinal),
            e.CountsByStatus.ToDictionary(k => k.Key == 0 ? "none" : k.Key.ToString(CultureInfo.InvariantCulture), k => k.Value, StringComparer.Ordinal),
            e.RequestIds.TakeLast(MaxEpisodeRequestIds).Reverse().ToList(),
            Math.Max(0, e.RequestIds.Count - MaxEpisodeRequestIds),
            e.Incident is { } i ? ToInfo(i) : null)).ToList();

    private static IncidentInfo ToInfo(StatusIncident i) => new(
        i.Name, i.StatusText.Length > 0 ? i.StatusText : i.Status.ToString(), i.Impact.ToString(), i.Shortlink, i.LatestUpdate, i.Start);

    private StatusInfo Status()
    {
        if (_monitor is null)
        {
            return new StatusInfo(false, false, "unknown", null, null, null, null, null, null);
        }

        var current = _monitor.Current;
        if (current is null)
        {
            return new StatusInfo(true, false, "unknown", null, null, null, null, "not polled yet", null);
        }

        var incident = current.ActiveIncident is { } active ? ToInfo(active) with { Link = _monitor.ActiveIncidentLink } : null;
        return new StatusInfo(true, current.IsKnown, Camel(current.Indicator.ToString()), current.Description, current.ApiComponentName,
            current.IsKnown ? current.ApiComponentStatus.ToString() : null, incident, current.Error, current.FetchedAt);
    }
}
