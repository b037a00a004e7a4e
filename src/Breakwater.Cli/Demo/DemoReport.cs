using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Breakwater.Cli.Demo;

/// <summary>Renders the demo: a live panel while it runs, then a table and a plain-language reading.</summary>
internal static class DemoReport
{
    public static IRenderable Live(DemoProgress p)
    {
        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.AddColumn("");
        table.AddColumn(new TableColumn("[bold]No protection[/]").RightAligned());
        table.AddColumn(new TableColumn("[bold green]Breakwater[/]").RightAligned());
        Row(table, "requests sent", p.Unprotected.Sent, p.Protected.Sent);
        Row(table, "succeeded", p.Unprotected.Succeeded, p.Protected.Succeeded);
        Row(table, "failed", p.Unprotected.Failed, p.Protected.Failed);
        Row(table, "in flight", p.Unprotected.InFlight, p.Protected.InFlight);
        Row(table, "upstream attempts", p.Unprotected.UpstreamAttempts, p.Protected.UpstreamAttempts);
        var bar = CapacityBar(p.Capacity);
        var header = new Markup(
            $"[bold]{Markup.Escape(p.Window.Scenario.Name)}[/]  scenario time {Clock(p.ScenarioSeconds + p.Window.OffsetSeconds)}  " +
            $"capacity {bar} {p.Capacity * 100:0}%\n[grey]{Markup.Escape(p.Window.Scenario.Description)}[/]");
        return new Rows(header, table);
    }

    public static string Line(DemoProgress p) => string.Create(CultureInfo.InvariantCulture,
        $"t={Clock(p.ScenarioSeconds + p.Window.OffsetSeconds)} capacity={p.Capacity * 100:0}%  no-protection: {p.Unprotected.Succeeded} ok / {p.Unprotected.Failed} failed  breakwater: {p.Protected.Succeeded} ok / {p.Protected.Failed} failed / {p.Protected.UpstreamAttempts} attempts");

    public static void Final(IAnsiConsole console, DemoResult r)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Result[/]");
        table.AddColumn("");
        table.AddColumn(new TableColumn("[bold]No protection[/]").RightAligned());
        table.AddColumn(new TableColumn("[bold green]Breakwater[/]").RightAligned());
        Row(table, "requests", r.Unprotected.Sent, r.Protected.Sent);
        table.AddRow("succeeded", Pct(r.Unprotected.Succeeded, r.Unprotected.Sent), Pct(r.Protected.Succeeded, r.Protected.Sent));
        var kinds = r.Unprotected.Failures.Keys.Union(r.Protected.Failures.Keys).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (kinds.Count == 0)
        {
            Row(table, "failed", 0, 0);
        }

        foreach (var kind in kinds)
        {
            Row(table, "failed: " + kind, r.Unprotected.Failures.GetValueOrDefault(kind), r.Protected.Failures.GetValueOrDefault(kind));
        }

        table.AddRow("upstream attempts",
            $"{r.Unprotected.UpstreamAttempts} ({Amp(r.Unprotected)})",
            $"{r.Protected.UpstreamAttempts} ({Amp(r.Protected)})");
        Row(table, "failed responses seen", r.Unprotected.FailedAttempts, r.Protected.FailedAttempts);
        if (r.Unprotected.AttemptsWithoutResponse + r.Protected.AttemptsWithoutResponse > 0)
        {
            Row(table, "attempts with no answer (timeouts)", r.Unprotected.AttemptsWithoutResponse, r.Protected.AttemptsWithoutResponse);
        }
        table.AddRow("request_ids kept", "0 [grey](only the status was read)[/]", r.Protected.RequestIdsKept.ToString(CultureInfo.InvariantCulture));
        if (r.Protected.Fallbacks > 0)
        {
            Row(table, "served by a fallback model", 0, r.Protected.Fallbacks);
        }

        console.Write(table);
        console.WriteLine();
        console.Write(new Panel(new Markup(Markup.Escape(Reading(r)))).Header("What happened").Border(BoxBorder.Rounded));
        var sample = r.Protected.RequestIds.Take(3).ToList();
        if (sample.Count > 0)
        {
            console.MarkupLine($"[grey]request_ids Breakwater kept (first {sample.Count}): {Markup.Escape(string.Join(", ", sample))}[/]");
        }

        console.MarkupLine($"[grey]{Markup.Escape(r.Window.TotalSeconds.ToString("0", CultureInfo.InvariantCulture))} s of scenario time in {r.WallTime.TotalSeconds:0.0} s (×{r.TimeScale:0.#}); seed {r.Seed}. Try --scenario opus-outage, rate-limited, masked-gateway.[/]");
    }

    public static string Reading(DemoResult r)
    {
        var u = r.Unprotected;
        var p = r.Protected;
        var storm = r.Window.Scenario.Incidents.FirstOrDefault();
        var what = storm is null
            ? "The upstream ran without an incident."
            : string.Create(CultureInfo.InvariantCulture,
                $"{storm.Title ?? "An incident"}: capacity of {storm.Model} fell to {storm.Capacity * 100:0}% for {storm.EndSeconds - storm.StartSeconds:0} s. That is Anthropic's side (529 overloaded_error), not your key, quota, code or network.");
        var sentence1 = string.Create(CultureInfo.InvariantCulture,
            $"Without protection {u.Failed} of {u.Sent} requests failed ({Share(u.Failed, u.Sent)}); each failure was final, and its request_id was lost.");
        var how = p.FailedAttempts == 0
            ? "its adaptive concurrency limit held calls back locally, so it never met a 529"
            : string.Create(CultureInfo.InvariantCulture, $"it met {p.FailedAttempts} failed attempt{(p.FailedAttempts == 1 ? "" : "s")} and answered each by its kind (jittered backoff for 529, retry-after for 429) inside a retry budget and a shrinking concurrency limit");
        var sentence2 = string.Create(CultureInfo.InvariantCulture,
            $"Through Breakwater {p.Failed} of {p.Sent} failed ({Share(p.Failed, p.Sent)}): {how}. It sent {p.UpstreamAttempts} upstream attempts for {p.Sent} requests ({Amp(p)}), not a retry storm");
        var fallback = p.Fallbacks > 0 ? string.Create(CultureInfo.InvariantCulture, $"; {p.Fallbacks} calls were served by a less loaded model of the chain (breakwater-fallback-from says which).") : ".";
        var ids = string.Create(CultureInfo.InvariantCulture, $"It kept {p.RequestIdsKept} request_ids of failed attempts for support (breakwater incidents shows them when the journal is on).");
        return $"{what}\n{sentence1}\n{sentence2}{fallback}\n{ids}";
    }

    private static void Row(Table table, string label, long a, long b) =>
        table.AddRow(label, a.ToString(CultureInfo.InvariantCulture), b.ToString(CultureInfo.InvariantCulture));

    private static string Pct(long n, long of) => string.Create(CultureInfo.InvariantCulture, $"{n} ({Share(n, of)})");

    private static string Share(long n, long of) => of == 0 ? "0%" : ((double)n / of).ToString("0.0%", CultureInfo.InvariantCulture);

    private static string Amp(DemoPathStats s) => s.Sent == 0 ? "×0" : string.Create(CultureInfo.InvariantCulture, $"×{(double)s.UpstreamAttempts / s.Sent:0.00} per request");

    private static string Clock(double seconds) => TimeSpan.FromSeconds(Math.Max(0, seconds)).ToString(@"mm\:ss", CultureInfo.InvariantCulture);

    private static string CapacityBar(double c)
    {
        var filled = (int)Math.Round(Math.Clamp(c, 0, 1) * 10);
        var color = c >= 0.99 ? "green" : c >= 0.5 ? "yellow" : "red";
        return $"[{color}]{new string('█', filled)}[/][grey]{new string('░', 10 - filled)}[/]";
    }
}
