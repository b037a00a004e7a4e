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
/// polly-standard and breakwater, in each deployment mode (clients, gateway, tenant), measured against the oracle
/// (docs/benchmarks.md).
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

        /// <summary>The deployment modes to run: clients, gateway, tenant (every tenant background) or all (default).</summary>
        [CommandOption("--mode <clients|gateway|tenant|all>")]
        [Description("Deployment of the policy: clients (50 instances, one per client), gateway (one instance for all traffic, as breakwater serve), tenant (the policy on 20 % of the clients beside a background policy), or all (default: all).")]
        [DefaultValue("all")]
        public string Mode { get; init; } = "all";

        /// <summary>The quick subset: the storm scenarios in the clients and gateway modes.</summary>
        [CommandOption("--quick")]
        [Description("Run the quick subset: the storm scenarios (flash-storm, metastable) in the clients and gateway modes, about a minute on 2 cores; --scenario and --mode narrow it further (default: off).")]
        [DefaultValue(false)]
        public bool Quick { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate()
            => ModeNames.Contains(Mode, StringComparer.OrdinalIgnoreCase)
                ? ValidationResult.Success()
                : ValidationResult.Error($"--mode must be one of {string.Join(", ", ModeNames)}.");
    }

    /// <summary>The values of <c>--mode</c>.</summary>
    internal static IReadOnlyList<string> ModeNames { get; } = ["clients", "gateway", "tenant", "all"];

    /// <summary>The scenarios of <c>--quick</c>: the two storms, short and with something to recover from.</summary>
    internal static IReadOnlyList<string> QuickScenarios { get; } = ["flash-storm", "metastable"];

    /// <summary>The modes of <c>--quick</c>: one instance per client and one for everyone, the comparison that matters most.</summary>
    internal static IReadOnlyList<BenchMode> QuickModes { get; } = [BenchMode.Clients, BenchMode.Gateway];

    /// <summary>Resolves <c>--mode</c>: <c>tenant</c> is every tenant background, <c>all</c> every mode, in report order.</summary>
    internal static IReadOnlyList<BenchMode> ResolveModes(string value) => value.ToLowerInvariant() switch
    {
        "clients" => [BenchMode.Clients],
        "gateway" => [BenchMode.Gateway],
        "tenant" => [.. BenchMode.All.Where(m => m.Kind == BenchModeKind.Tenant)],
        "all" => BenchMode.All,
        _ => throw new ArgumentException($"Unknown mode '{value}'.", nameof(value)),
    };

    /// <summary>
    /// What runs: <c>--scenario</c> and <c>--mode</c>; with <c>--quick</c>, the quick subset, narrowed by an explicit
    /// <c>--scenario</c> or <c>--mode</c> (a scenario outside it runs as asked).
    /// </summary>
    internal static (IReadOnlyList<Scenario> Scenarios, IReadOnlyList<BenchMode> Modes) Resolve(Settings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var allScenarios = string.Equals(settings.Scenario, "all", StringComparison.OrdinalIgnoreCase);
        var modes = ResolveModes(settings.Mode);
        if (!settings.Quick)
        {
            return (ResolveScenarios(settings.Scenario), modes);
        }

        var quickModes = string.Equals(settings.Mode, "all", StringComparison.OrdinalIgnoreCase) ? QuickModes : modes;
        return (allScenarios ? [.. QuickScenarios.Select(ScenarioCatalog.Get)] : ResolveScenarios(settings.Scenario), quickModes);
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
        IReadOnlyList<BenchMode> modes;
        try
        {
            (scenarios, modes) = Resolve(settings);
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
            report = BenchmarkRunner.Run(scenarios, settings.Seed, parallelism: Environment.ProcessorCount, modes: modes);
        }
        else
        {
            report = AnsiConsole.Status().Start("Running the policy benchmark in virtual time…", ctx =>
                BenchmarkRunner.Run(scenarios, settings.Seed, parallelism: Environment.ProcessorCount, progress: line => ctx.Status(Markup.Escape(line)), modes: modes));
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

        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{report.Scenarios.Count} scenario(s) in {report.Modes.Count} mode(s) ({string.Join(", ", report.Modes.Select(m => m.Mode.Name))}), seed {settings.Seed}, {watch.Elapsed.TotalSeconds:0.0} s wall clock on {Environment.ProcessorCount} core(s), {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC."));
        if (settings.Json is { } path)
        {
            File.WriteAllBytes(path, report.ToJson());
            Console.Out.WriteLine("JSON report written to " + path);
        }

        return 0;
    }
}
