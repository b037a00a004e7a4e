using System.Reflection;
using Spectre.Console.Cli;

namespace Breakwater.Cli;

/// <summary>Every command of the <c>breakwater</c> tool; one file each under Commands/.</summary>
internal static class CommandRegistry
{
    /// <summary>Every command path (<c>bench policies</c> for a branch's command) and its settings type, in the README's order.</summary>
    public static IReadOnlyDictionary<string, Type> SettingsByCommand { get; } = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
    {
        ["demo"] = typeof(Commands.DemoCommand.Settings),
        ["serve"] = typeof(Commands.ServeCommand.Settings),
        ["doctor"] = typeof(Doctor.DoctorSettings),
        ["incidents"] = typeof(Doctor.IncidentsSettings),
        ["jobs"] = typeof(Commands.JobsSettings),
        ["simulate"] = typeof(Commands.SimulateCommand.Settings),
        ["bench policies"] = typeof(Commands.BenchCommand.Settings),
    };

    /// <summary>Commands that only group others (<c>bench</c>): run without a subcommand they are a usage error.</summary>
    public static IReadOnlyList<string> Branches { get; } = ["bench"];

    public static void Register(IConfigurator config)
    {
        config.SetApplicationName("breakwater");
        config.SetApplicationVersion(ToolVersion());
        config.ValidateExamples();
        // Mistyped options are errors, not silently ignored (CliApp turns them into a suggestion and exit code 2).
        config.UseStrictParsing();
        // Defaults are written into each option's description, "(default: X)", in one style.
        config.HideOptionDefaultValues();
        // Each command registers itself in one line below (keep the order of the README and of SettingsByCommand).
        config.AddCommand<Commands.DemoCommand>("demo").WithDescription("A 529 storm against a built-in simulator, with and without Breakwater, side by side. No key, no network.").WithExample("demo").WithExample("demo", "--scenario", "opus-outage");
        config.AddCommand<Commands.ServeCommand>("serve").WithDescription("Run the gateway: a drop-in ANTHROPIC_BASE_URL that rides out 529 storms.").WithExample("serve", "--port", "8529", "--upstream", "https://api.anthropic.com").WithExample("serve", "--config", "breakwater.json");
        config.AddCommand<Commands.DoctorCommand>("doctor").WithDescription("Tell platform incident, overload, quota, your traffic, your request, your gateway and your network apart; one verdict with evidence and the next step.").WithExample("doctor").WithExample("doctor", "--json");
        config.AddCommand<Commands.IncidentsCommand>("incidents").WithDescription("The incident journal as episodes: counts by kind and model, the overlapping status-page incident, and the request_ids for support.").WithExample("incidents", "--since", "24h").WithExample("incidents", "--since", "7d", "--csv");
        config.AddCommand<Commands.JobsCommand>("jobs").WithDescription("The deferred-job queue (breakwater-defer): counts per state and the jobs, newest first.").WithExample("jobs").WithExample("jobs", "--state", "queued", "--json");
        config.AddCommand<Commands.SimulateCommand>("simulate").WithDescription("Run an Anthropic-compatible upstream that overloads on cue (scenarios, status page, scripted responses).").WithExample("simulate", "--scenario", "flash-storm", "--time-scale", "10");
        config.AddBranch("bench", bench => { bench.SetDescription("Benchmarks."); bench.AddCommand<Commands.BenchCommand>("policies").WithDescription("Goodput under overload: every scenario in virtual time, none / sdk-default / naive-529 / polly-standard / breakwater against the oracle.").WithExample("bench", "policies", "--scenario", "flash-storm", "--seed", "1", "--json", "bench.json"); });
    }

    /// <summary>The tool's version as packed (the informational version without the source-revision suffix).</summary>
    internal static string ToolVersion()
    {
        var informational = typeof(CommandRegistry).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? informational : informational[..plus];
    }
}
