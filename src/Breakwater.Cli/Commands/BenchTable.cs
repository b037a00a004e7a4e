using Breakwater.Cli.Terminal;
using Breakwater.Simulator.Benchmark;
using Spectre.Console;

namespace Breakwater.Cli.Commands;

/// <summary>
/// The policy benchmark on a terminal: per mode its title, then one table per figure set (policies, then deferral),
/// a bold row per scenario, headers and values never truncated; when the terminal is too narrow for a table, one record
/// per line instead.
/// </summary>
internal static class BenchTable
{
    public static void Write(IAnsiConsole console, BenchmarkReport report)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(report);
        for (var m = 0; m < report.Modes.Count; m++)
        {
            if (m > 0)
            {
                console.WriteLine();
            }

            Write(console, report.Modes[m]);
        }
    }

    private static void Write(IAnsiConsole console, ModeResult mode)
    {
        console.MarkupLine($"[bold underline]{Markup.Escape(BenchmarkText.Title(mode.Mode))}[/]");
        var rows = mode.Scenarios.Select(s => (s, s.Policies.Select((p, row) => (p, BenchmarkText.CellsFor(mode.Mode, s, row))).ToList())).ToList();
        Write(console, BenchmarkText.HeadersFor(mode.Mode), rows, BenchPolicies.Breakwater, null);
        console.WriteLine();
        var work = mode.Scenarios.Select(s => (s, s.Policies.Select(p => (p, (IReadOnlyList<string>)BenchmarkText.WorkCells(s, p))).ToList())).ToList();
        Write(console, BenchmarkText.WorkHeaders, work, BenchPolicies.Breakwater, "In and after the incident; upstream work and retries");

        var deferral = mode.Scenarios
            .Select(s => (s, s.Policies.Where(p => p.Deferral is not null).Select(p => (p, (IReadOnlyList<string>)BenchmarkText.DeferralCells(s, p))).ToList()))
            .Where(g => g.Item2.Count > 0)
            .ToList();
        if (deferral.Count > 0)
        {
            console.WriteLine();
            Write(console, BenchmarkText.DeferralHeaders, deferral, BenchPolicies.BreakwaterDefer, "Deferral: deferrable requests complete live or as a job within their deadline");
        }

        if (mode.Mode.Kind == BenchModeKind.Tenant)
        {
            return;
        }

        foreach (var s in mode.Scenarios)
        {
            console.WriteLine(BenchmarkText.OracleLine(s));
        }
    }

    private static void Write(
        IAnsiConsole console,
        IReadOnlyList<string> headers,
        List<(ScenarioResult Scenario, List<(PolicyResult Policy, IReadOnlyList<string> Cells)> Rows)> groups,
        string highlight,
        string? title)
    {
        // The scenario heads its group of rows, so the table needs no scenario column; two spaces between columns,
        // one when that is what it takes to fit.
        foreach (var gap in new[] { 2, 1 })
        {
            var table = new Table().Border(TableBorder.None).HideRowSeparators();
            if (title is not null)
            {
                table.Title(title);
            }

            for (var i = 1; i < headers.Count; i++)
            {
                var column = new TableColumn(new Markup($"[underline]{Markup.Escape(headers[i])}[/]")).Padding(0, 0, gap, 0);
                table.AddColumn(i == 1 ? column.LeftAligned() : column.RightAligned());
            }

            foreach (var (scenario, rows) in groups)
            {
                table.AddRow([new Markup($"[bold]{Markup.Escape(scenario.Name)}[/]"), .. Enumerable.Range(2, headers.Count - 2).Select(_ => Text.Empty)]);
                foreach (var (policy, cells) in rows)
                {
                    var style = policy.Policy == highlight ? "bold" : "default";
                    table.AddRow([.. cells.Skip(1).Select(c => new Markup($"[{style}]{Markup.Escape(c)}[/]"))]);
                }
            }

            if (TableFit.TryFit(console, table))
            {
                console.Write(table);
                return;
            }
        }

        // Too narrow for a table: one record per line, "header value" pairs, nothing wrapped by us.
        if (title is not null)
        {
            console.Profile.Out.Writer.WriteLine(title + ":");
        }

        foreach (var (scenario, rows) in groups)
        {
            foreach (var (_, cells) in rows)
            {
                console.Profile.Out.Writer.WriteLine(string.Join(", ", headers.Select((h, i) => i == 0 ? cells[i] : $"{h} {cells[i]}")));
            }
        }
    }
}
