using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Breakwater.Cli.Terminal;
using Breakwater.Telemetry.Journal;
using Spectre.Console;

namespace Breakwater.Cli.Doctor;

/// <summary>Prints episodes as a table (terminal), plain text (redirected), JSON or CSV.</summary>
internal static class IncidentsRenderer
{
    private const int RequestIdsShown = 8;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void WriteTable(IAnsiConsole console, IncidentsReport report)
    {
        WriteHeader(console.Profile.Out.Writer, report);
        if (report.Episodes.Count == 0)
        {
            return;
        }

        // Identifiers, model names and links are single words, so TableFit keeps each whole on one line; the
        // incident's link gets its own line. Too narrow for that: the plain listing, one episode at a time.
        var table = new Table().AddColumns("Episode (UTC)", "Failures by kind and model", "Status-page incident", "request_ids");
        foreach (var e in report.Episodes)
        {
            table.AddRow(
                Markup.Escape($"{When(e)}\n{e.Count} failures, {e.GaveUp} gave up"),
                Markup.Escape(Counts(e.CountsByKind.ToDictionary(k => k.Key.ToString(), k => k.Value), "\n") + "\n" + Counts(e.CountsByModel, "\n")),
                Markup.Escape(e.Incident is { } i ? $"{i.Name} ({i.StatusText})\n{i.Shortlink}".TrimEnd() : "-"),
                Markup.Escape(Ids(e, "\n")));
        }

        if (TableFit.TryFit(console, table))
        {
            console.Write(table);
        }
        else
        {
            WriteEpisodes(console.Profile.Out.Writer, report);
        }
    }

    public static void WritePlain(TextWriter output, IncidentsReport report)
    {
        WriteHeader(output, report);
        WriteEpisodes(output, report);
    }

    private static void WriteEpisodes(TextWriter output, IncidentsReport report)
    {
        var n = 0;
        foreach (var e in report.Episodes)
        {
            n++;
            output.WriteLine();
            output.WriteLine($"Episode {n}: {When(e)}  {e.Count} failures ({e.GaveUp} gave up)");
            output.WriteLine($"  by kind:  {Counts(e.CountsByKind.ToDictionary(k => k.Key.ToString(), k => k.Value), ", ")}");
            output.WriteLine($"  by model: {Counts(e.CountsByModel, ", ")}");
            output.WriteLine($"  incident: {Incident(e) ?? "none matched"}");
            output.WriteLine($"  request_ids: {Ids(e, " ")}");
        }
    }

    public static void WriteJson(TextWriter output, IncidentsReport report)
    {
        var episodes = new JsonArray();
        foreach (var e in report.Episodes)
        {
            episodes.Add(new JsonObject
            {
                ["first"] = e.First.ToString("O", CultureInfo.InvariantCulture),
                ["last"] = e.Last.ToString("O", CultureInfo.InvariantCulture),
                ["failures"] = e.Count,
                ["gave_up"] = e.GaveUp,
                ["by_kind"] = ToObject(e.CountsByKind.ToDictionary(k => k.Key.ToString(), k => k.Value)),
                ["by_model"] = ToObject(e.CountsByModel),
                ["by_status"] = ToObject(e.CountsByStatus.ToDictionary(k => k.Key.ToString(CultureInfo.InvariantCulture), k => k.Value)),
                ["incident"] = e.Incident is { } i
                    ? new JsonObject
                    {
                        ["name"] = i.Name,
                        ["status"] = i.StatusText,
                        ["impact"] = i.Impact.ToString().ToLowerInvariant(),
                        ["created_at"] = i.CreatedAt?.ToString("O", CultureInfo.InvariantCulture),
                        ["resolved_at"] = i.ResolvedAt?.ToString("O", CultureInfo.InvariantCulture),
                        ["latest_update"] = i.LatestUpdate,
                        ["link"] = i.Shortlink,
                    }
                    : null,
                ["request_ids"] = new JsonArray(e.RequestIds.Select(id => (JsonNode?)JsonValue.Create(id)).ToArray()),
            });
        }

        var root = new JsonObject
        {
            ["journal"] = report.JournalPath,
            ["since"] = report.Since.ToString("O", CultureInfo.InvariantCulture),
            ["status_page"] = report.StatusChecked ? (report.StatusKnown ? "known" : "unknown: " + report.StatusError) : "not checked",
            ["episodes"] = episodes,
        };
        output.WriteLine(root.ToJsonString(Indented));
    }

    public static void WriteCsv(TextWriter output, IncidentsReport report)
    {
        output.WriteLine("first,last,failures,gave_up,by_kind,by_model,incident,incident_link,request_ids");
        foreach (var e in report.Episodes)
        {
            output.WriteLine(string.Join(',',
                e.First.ToString("O", CultureInfo.InvariantCulture),
                e.Last.ToString("O", CultureInfo.InvariantCulture),
                e.Count.ToString(CultureInfo.InvariantCulture),
                e.GaveUp.ToString(CultureInfo.InvariantCulture),
                Csv(Counts(e.CountsByKind.ToDictionary(k => k.Key.ToString(), k => k.Value), ";")),
                Csv(Counts(e.CountsByModel, ";")),
                Csv(e.Incident?.Name ?? ""),
                Csv(e.Incident?.Shortlink ?? ""),
                Csv(string.Join(';', e.RequestIds))));
        }
    }

    private static void WriteHeader(TextWriter output, IncidentsReport report)
    {
        var status = report.StatusChecked ? (report.StatusKnown ? "" : $" (status page unknown: {report.StatusError})") : "";
        output.WriteLine($"Journal {report.JournalPath}: {report.Episodes.Count} episode(s) since {report.Since.UtcDateTime:yyyy-MM-dd HH:mm} UTC{status}");
    }

    private static string When(JournalEpisode e) =>
        $"{e.First.UtcDateTime:yyyy-MM-dd HH:mm:ss} - {e.Last.UtcDateTime:HH:mm:ss} ({e.Duration.TotalMinutes:0} min)";

    private static string Counts(IReadOnlyDictionary<string, int> counts, string separator) =>
        string.Join(separator, counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}"));

    private static string Counts(Dictionary<string, int> counts, string separator) => Counts((IReadOnlyDictionary<string, int>)counts, separator);

    private static string? Incident(JournalEpisode e) => e.Incident is { } i ? $"{i.Name} ({i.StatusText}) {i.Shortlink}".TrimEnd() : null;

    private static string Ids(JournalEpisode e, string separator)
    {
        if (e.RequestIds.Count == 0)
        {
            return "(none)";
        }

        var shown = string.Join(separator, e.RequestIds.Take(RequestIdsShown));
        return e.RequestIds.Count > RequestIdsShown ? $"{shown}{separator}(+{e.RequestIds.Count - RequestIdsShown} more: --json or --csv lists all)" : shown;
    }

    private static JsonObject ToObject(IReadOnlyDictionary<string, int> counts)
    {
        var o = new JsonObject();
        foreach (var (k, v) in counts.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            o[k] = v;
        }

        return o;
    }

    private static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
