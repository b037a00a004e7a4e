using System.Globalization;
using Breakwater.Retry;
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
            $"[bold]{Markup.Escape(p.Window.Scenario.Name)}[/]  t={Clock(p.ScenarioSeconds)}{Markup.Escape(StormWhen(p.Window))}  " +
            $"capacity {bar} {p.Capacity * 100:0}%\n[grey]{Markup.Escape(p.Window.Scenario.Description)}[/]");
        return new Rows(header, table);
    }

    public static string Line(DemoProgress p) => string.Create(CultureInfo.InvariantCulture,
        $"t={Clock(p.ScenarioSeconds)} capacity={p.Capacity * 100:0}%  no-protection: {p.Unprotected.Succeeded} ok / {p.Unprotected.Failed} failed  breakwater: {p.Protected.Succeeded} ok / {p.Protected.Failed} failed / {p.Protected.UpstreamAttempts} attempts");

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
        table.AddRow("latency p50 / p95 (successes)", Latencies(r.Unprotected), Latencies(r.Protected));
        Row(table, "failed responses seen", r.Unprotected.FailedAttempts, r.Protected.FailedAttempts);
        if (r.Unprotected.AttemptsWithoutResponse + r.Protected.AttemptsWithoutResponse > 0)
        {
            Row(table, "attempts with no answer (timeouts)", r.Unprotected.AttemptsWithoutResponse, r.Protected.AttemptsWithoutResponse);
        }
        table.AddRow("request_ids kept", "0 [grey](only the status was read)[/]", r.Protected.RequestIdsKept.ToString(CultureInfo.InvariantCulture));
        if (r.Protected.Retries > 0)
        {
            Row(table, "retries (after a wait)", 0, r.Protected.Retries);
        }
        if (r.Protected.Fallbacks > 0)
        {
            Row(table, "served by a fallback model", 0, r.Protected.Fallbacks);
        }

        console.Write(table);
        console.WriteLine();
        console.Write(new Panel(new Markup(Markup.Escape(Reading(r)))).Header("What happened").Border(BoxBorder.Rounded));
        if (SampleLine(r.Protected) is { } sample)
        {
            console.MarkupLine($"[grey]{Markup.Escape(sample)}[/]");
        }

        console.MarkupLine($"[grey]{Markup.Escape(Footer(r))}[/]");
    }

    /// <summary>A few of the request_ids Breakwater kept, with the right number words; null when it kept none.</summary>
    public static string? SampleLine(DemoPathStats p)
    {
        var kept = p.RequestIdsKept;
        var sample = p.RequestIds.Take(3).ToList();
        if (sample.Count == 0)
        {
            return null;
        }

        var which = kept == 1 ? "The request_id Breakwater kept"
            : kept <= sample.Count ? $"The {kept} request_ids Breakwater kept"
            : $"The first {sample.Count} of the {kept} request_ids Breakwater kept";
        return $"{which}: {string.Join(", ", sample)}";
    }

    /// <summary>How long the run played, how its clock reads, and what it depends on; then another scenario to try.</summary>
    public static string Footer(DemoResult r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Window.TotalSeconds:0} s of scenario time in {r.WallTime.TotalSeconds:0.0} s (×{r.TimeScale:0.#}). The clock starts at 0 when the demo does "
        + $"({(r.Window.OffsetSeconds > 0 ? $"the scenario's {Clock(r.Window.OffsetSeconds)}" : "the scenario's start")}). "
        + $"Counts depend on --scenario and --seed (seed {r.Seed}), not on --seconds, which only sets how fast the run is shown. {Suggestion(r.Scenario.Name)}");

    /// <summary>Other scenarios to try: never the one just run.</summary>
    public static string Suggestion(string scenario)
    {
        string[] tour = ["flash-storm", "opus-outage", "rate-limited", "masked-gateway"];
        var others = tour.Where(n => !string.Equals(n, scenario, StringComparison.Ordinal)).Take(3).ToList();
        return "Try " + string.Join(", ", others.Select(n => "--scenario " + n)) + ".";
    }

    public static string Reading(DemoResult r)
    {
        var u = r.Unprotected;
        var p = r.Protected;
        var storm = r.Window.Scenario.Incidents.FirstOrDefault();
        var what = storm is null
            ? "The upstream ran without an incident."
            : string.Create(CultureInfo.InvariantCulture,
                $"{storm.Title ?? "An incident"}: capacity of {storm.Model} fell to {storm.Capacity * 100:0}% for {storm.EndSeconds - storm.StartSeconds:0} s (t={Clock(storm.StartSeconds)} to {Clock(storm.EndSeconds)}). That is Anthropic's side (529 overloaded_error), not your key, quota, code or network.");
        var sentence1 = string.Create(CultureInfo.InvariantCulture,
            $"Without protection {u.Failed} of {u.Sent} requests failed ({Share(u.Failed, u.Sent)}); each failure was final, and its request_id was lost.");
        var sentence2 = string.Create(CultureInfo.InvariantCulture,
            $"Through Breakwater {p.Failed} of {p.Sent} failed ({Share(p.Failed, p.Sent)}), with {p.UpstreamAttempts} upstream attempts for {p.Sent} requests ({Amp(p)}), not a retry storm. How, in this run:");
        var how = string.Join("\n", How(p).Select(line => "- " + line));
        var cost = Cost(u, p);
        var ids = string.Create(CultureInfo.InvariantCulture, $"It kept {Plural(p.RequestIdsKept, "request_id", "request_ids")} of failed attempts for support (breakwater incidents shows them when the journal is on).");
        return $"{what}\n{sentence1}\n{sentence2}\n{how}\n{cost}\n{ids}";
    }

    /// <summary>What each of Breakwater's mechanisms did in this run, from its own counts; a mechanism that did nothing is left out.</summary>
    public static IReadOnlyList<string> How(DemoPathStats p)
    {
        var lines = new List<string>();
        if (p.LimitAtStart > 0 && (p.LowestLimit < p.LimitAtStart || p.PeakQueued > 0))
        {
            var held = p.PeakQueued > 0
                ? $" and held up to {Plural(p.PeakQueued, "call", "calls")} waiting locally at once instead of sending them into the storm"
                : "";
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"concurrency limit: it started at {p.LimitAtStart} (no limit until the first 529), fell to {p.LowestLimit} calls in flight{held}"));
        }

        if (p.Retries > 0)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"retries: {Plural(p.Retries, "retry", "retries")} after waits of {Seconds(p.RetryWait / p.Retries)} on average (longest {Seconds(p.LongestRetryWait)}), jittered backoff for 529 and retry-after for 429"));
        }

        if (p.FellBack > 0 || p.Fallbacks > 0)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"fallback: {Plural(p.FellBack, "call", "calls")} moved to the next model of the chain, and a fallback model served {Plural(p.Fallbacks, "success", "successes")} (breakwater-fallback-from says which)"));
        }

        if (p.GiveUps.GetValueOrDefault(GiveUpReason.Budget) is var budget and > 0)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"retry budget: it refused {Plural(budget, "retry", "retries")} that would have added to the storm (those calls failed fast instead)"));
        }

        var local = p.GiveUps.Where(g => g.Key is GiveUpReason.Breaker or GiveUpReason.Throttled or GiveUpReason.Queue).Sum(g => g.Value);
        if (local > 0)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"local refusals: {Plural(local, "call", "calls")} refused without reaching the API (open breaker, client-side throttle, or no concurrency slot before the deadline)"));
        }

        if (lines.Count == 0)
        {
            lines.Add(p.FailedAttempts == 0 ? "it never met a failure: there was nothing to ride out" : string.Create(CultureInfo.InvariantCulture, $"it met {Plural(p.FailedAttempts, "failed attempt", "failed attempts")} and passed them on"));
        }

        return lines;
    }

    /// <summary>The latency cost beside the success rate: p50/p95 of successful calls on both paths.</summary>
    public static string Cost(DemoPathStats u, DemoPathStats p) => string.Create(CultureInfo.InvariantCulture,
        $"The cost: successful calls took {Latencies(p)} (p50 / p95) through Breakwater against {Latencies(u)} without it; the waits are what turned failures into successes.");

    private static string Latencies(DemoPathStats s) =>
        s.Latency(0.5) is { } p50 && s.Latency(0.95) is { } p95 ? $"{Seconds(p50)} / {Seconds(p95)}" : "-";

    private static string Seconds(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.0} s");

    /// <summary>"1 request_id", "2 request_ids".</summary>
    public static string Plural(long n, string one, string many) => string.Create(CultureInfo.InvariantCulture, $"{n} {(n == 1 ? one : many)}");

    private static string StormWhen(DemoWindow w) => w.Scenario.Incidents.FirstOrDefault() is { } storm
        ? $" (storm {Clock(storm.StartSeconds)}–{Clock(storm.EndSeconds)})"
        : "";

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
