using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Breakwater.Cli.Terminal;
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
        [Description("A built-in scenario, a scenario JSON file, or all (every scenario of the suite; the variant long-incident-deferral runs by name) (default: all).")]
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

    private readonly CliConsoles _consoles;

    public BenchCommand(CliConsoles consoles) => _consoles = consoles;

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
            _consoles.Error.MarkupLine(CultureInfo.InvariantCulture, "[red]Error:[/] {0}", Markup.Escape(e.Message));
            return ExitCodes.Usage;
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
            BenchTable.Write(AnsiConsole.Console, report);
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
