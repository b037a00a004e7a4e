using System.Globalization;
using System.Text.Json;
using Breakwater.Status;
using Spectre.Console;

namespace Breakwater.Cli.Doctor;

/// <summary>Prints a doctor report for people, or as JSON. Never prints the key: the report holds none.</summary>
internal static class DoctorRenderer
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void WriteJson(TextWriter output, DoctorReport report) =>
        output.WriteLine(report.Diagnosis.ToJson().ToJsonString(Indented));

    public static void Write(IAnsiConsole console, DoctorReport report)
    {
        var s = report.Status;
        console.MarkupLine($"[bold]Status page[/]  {Markup.Escape(report.StatusUrl)}");
        if (!s.IsKnown)
        {
            console.MarkupLine($"  [yellow]unknown[/] ({Markup.Escape(s.Error ?? "")})");
        }
        else
        {
            console.MarkupLine($"  indicator {Markup.Escape(s.Indicator.ToString().ToLowerInvariant())}: {Markup.Escape(s.Description ?? "")}");
            console.MarkupLine($"  API component: {Markup.Escape(s.ApiComponentName ?? "(none found)")} {Markup.Escape(s.ApiComponentStatus.ToString())}");
            if (s.ActiveIncident is { } i)
            {
                console.MarkupLine($"  [red]incident[/] {Markup.Escape(i.Name)} ({Markup.Escape(i.StatusText)}) {Markup.Escape(i.Shortlink ?? "")}");
                if (i.LatestUpdate is not null)
                {
                    console.MarkupLine($"    latest: {Markup.Escape(i.LatestUpdate)}");
                }
            }
        }

        WriteProbe(console, report.Direct);
        if (report.Gateway is not null)
        {
            WriteProbe(console, report.Gateway);
        }

        var j = report.Journal;
        console.MarkupLine($"[bold]Journal[/]  {Markup.Escape(j.Path)}");
        console.MarkupLine(j.Error is not null
            ? $"  [yellow]{Markup.Escape(j.Error)}[/]"
            : $"  last {j.Window.TotalMinutes:0} min: {j.Total} failures (overloaded {j.Overloaded}, 429 {j.RateLimitedAmple + j.RateLimitedLow}, spend limit {j.SpendLimit}, request errors {j.ClientErrors}, server {j.ServerErrors}, network {j.Network})");

        var d = report.Diagnosis;
        var colour = d.Verdict == DoctorVerdict.Healthy ? "green" : "red";
        console.WriteLine();
        console.MarkupLine($"[bold {colour}]Verdict: {d.Verdict.Name()}[/]");
        console.MarkupLine($"  {Markup.Escape(d.Evidence["reason"]?.GetValue<string>() ?? "")}");
        if (d.Evidence["decided_by"]?.GetValue<string>() is { } decidedBy)
        {
            console.MarkupLine($"  [bold]decided by:[/] {Markup.Escape(decidedBy)}");
        }

        console.MarkupLine($"[bold]Next:[/] {Markup.Escape(d.Next)}");
    }

    private static void WriteProbe(IAnsiConsole console, ProbeResult p)
    {
        console.MarkupLine($"[bold]Probe {Markup.Escape(p.Target)}[/]  {Markup.Escape(p.BaseUrl)}");
        if (p.Skipped is not null)
        {
            console.MarkupLine($"  [yellow]skipped[/]: {Markup.Escape(p.Skipped)}");
            return;
        }

        foreach (var a in p.Attempts)
        {
            var what = a.StatusCode is { } code
                ? $"{code.ToString(CultureInfo.InvariantCulture)} {a.ErrorType ?? (a.IsSuccess ? "ok" : a.Kind.ToString())}"
                : $"no response ({a.NetworkError})";
            var extra = string.Join("  ", new[]
            {
                a.RequestId,
                a.RetryAfter is { } ra ? $"retry-after {ra.TotalSeconds:0.#}s" : null,
                a.RateLimits?.ToString(),
            }.Where(x => !string.IsNullOrEmpty(x)));
            console.MarkupLine($"  #{a.Number} {Markup.Escape(what)}  {Markup.Escape(extra)}");
        }
    }

    internal static string IncidentLine(StatusIncident i) => $"{i.Name} ({i.StatusText}) {i.Shortlink}";
}
