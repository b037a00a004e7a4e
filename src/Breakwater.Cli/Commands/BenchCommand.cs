using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Breakwater.Simulator.Benchmark;
using Breakwater.Simulator.Scenarios;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Breakwater.Cli.Commands;

/// <summary>
/// <c>breakwater bench policies</c>: every scenario in virtual time against none, sdk-default, naive-529,
/// polly-standard and breakwater, measured against the oracle (docs/benchmarks.md).
/// </summary>
internal sealed class BenchCommand : Command<BenchCommand.Settings>
{
    /// <summary>Options of <c>breakwater bench policies</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>A built-in scenario, a scenario JSON file, or <c>all</c> (default).</summary>
        [CommandOption("--scenario <NAME|FILE|all>")]
        [Description("A built-in scenario, a scenario JSON file, or all (the eight scenarios of the suite; the variant long-incident-deferral runs by name) (default: all).")]
        [DefaultValue("all")]
        public string Scenario { get; init; } = "all";

        /// <summary>Seed of arrivals, draws and jitter (default 1).</summary>
        [CommandOption("--seed <N>")]
        [Description("Seed of arrivals, service times and jitter (same seed, byte-identical report) (default: 1).")]
        [DefaultValue(1)]
        public int Seed { get; init; } = 1;

        /// <summary>Where to write the JSON report (default none).</summary>
        [CommandOption("--json <FILE>")]
        [Description("Also write the report as JSON to FILE (default: none).")]
        public string? Json { get; init; }
    }

    /// <summary>Resolves <c>--scenario</c>: <c>all</c> is every built-in, in catalogue order.</summary>
    internal static IReadOnlyList<Scenario> ResolveScenarios(string value)
        => string.Equals(value, "all", StringComparison.OrdinalIgnoreCase)
            ? [.. ScenarioCatalog.BuiltInNames.Select(ScenarioCatalog.Get)]
            : [ScenarioCatalog.Resolve(value)];

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (ServerGcRelaunch.TryRelaunch() is { } exitCode)
        {
            return exitCode;
        }

        IReadOnlyList<Scenario> scenarios;
        try
        {
            scenarios = ResolveScenarios(settings.Scenario);
        }
        catch (ScenarioException e)
        {
            AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "[red]{0}[/]", Markup.Escape(e.Message));
            return 2;
        }

        var plain = Console.IsOutputRedirected;
        var watch = Stopwatch.StartNew();
        BenchmarkReport report;
        if (plain)
        {
            report = BenchmarkRunner.Run(scenarios, settings.Seed, parallelism: Environment.ProcessorCount);
        }
        else
        {
            report = AnsiConsole.Status().Start("Running the policy benchmark in virtual time…", ctx =>
                BenchmarkRunner.Run(scenarios, settings.Seed, parallelism: Environment.ProcessorCount, progress: line => ctx.Status(Markup.Escape(line))));
        }

        watch.Stop();
        if (plain)
        {
            Console.Out.Write(BenchmarkText.Plain(report));
        }
        else
        {
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var header in BenchmarkText.Headers)
            {
                table.AddColumn(new TableColumn(header).RightAligned());
            }

            foreach (var s in report.Scenarios)
            {
                foreach (var p in s.Policies)
                {
                    var cells = BenchmarkText.Cells(s, p).Select(Markup.Escape).ToArray();
                    if (p.Policy == BenchPolicies.Breakwater)
                    {
                        cells = [.. cells.Select(c => "[bold]" + c + "[/]")];
                    }

                    table.AddRow(cells);
                }

                table.AddEmptyRow();
            }

            AnsiConsole.Write(table);
            var deferral = report.Scenarios.SelectMany(s => s.Policies.Where(p => p.Deferral is not null).Select(p => (s, p))).ToList();
            if (deferral.Count > 0)
            {
                var jobs = new Table().Border(TableBorder.Rounded).Title("Deferral: deferrable requests complete live or as a job within their deadline");
                foreach (var header in BenchmarkText.DeferralHeaders)
                {
                    jobs.AddColumn(new TableColumn(header).RightAligned());
                }

                foreach (var (s, p) in deferral)
                {
                    var cells = BenchmarkText.DeferralCells(s, p).Select(Markup.Escape).ToArray();
                    jobs.AddRow(p.Policy == BenchPolicies.BreakwaterDefer ? [.. cells.Select(c => "[bold]" + c + "[/]")] : cells);
                }

                AnsiConsole.Write(jobs);
            }

            foreach (var s in report.Scenarios)
            {
                AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "{0}: oracle successes {1}", Markup.Escape(s.Name), s.OracleSuccesses);
            }
        }

        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{report.Scenarios.Count} scenario(s), seed {settings.Seed}, {watch.Elapsed.TotalSeconds:0.0} s wall clock on {Environment.ProcessorCount} core(s), {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC."));
        if (settings.Json is { } path)
        {
            File.WriteAllBytes(path, report.ToJson());
            Console.Out.WriteLine("JSON report written to " + path);
        }

        return 0;
    }
}
