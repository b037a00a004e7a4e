using System.ComponentModel;
using Breakwater.Cli.Demo;
using Breakwater.Simulator.Scenarios;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Breakwater.Cli.Commands;

/// <summary><c>breakwater demo</c>: a 529 storm against a built-in simulator, with and without Breakwater, side by side.</summary>
internal sealed class DemoCommand : AsyncCommand<DemoCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--scenario <NAME|FILE>")]
        [Description("A built-in scenario (flash-storm, opus-outage, rate-limited, masked-gateway, long-incident, metastable, midstream-overload, steady) or a scenario JSON file (default: flash-storm).")]
        public string Scenario { get; init; } = "flash-storm";

        [CommandOption("--seed <N>")]
        [Description("Seed of arrivals and the simulator (default: 1).")]
        public int Seed { get; init; } = 1;

        [CommandOption("--seconds <S>")]
        [Description("Wall-clock length of the run; scenario time is scaled to fit (default: 28).")]
        public double Seconds { get; init; } = 28;

        public override ValidationResult Validate()
        {
            if (Seconds is < 3 or > 600)
            {
                return ValidationResult.Error("--seconds must be between 3 and 600.");
            }

            try
            {
                _ = ScenarioCatalog.Resolve(Scenario);
            }
            catch (Exception ex) when (ex is ScenarioException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                return ValidationResult.Error(ex.Message);
            }

            return ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Console;
        var runner = new DemoRunner(new DemoSettings(settings.Scenario, settings.Seed, settings.Seconds));
        console.MarkupLine("[bold]Breakwater demo[/]: the same traffic sent to two identical simulated Anthropic APIs, one called directly, one through Breakwater. No API key, no network.");
        DemoResult result;
        if (console.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
        {
            DemoProgress? last = null;
            result = await console.Live(new Markup("starting…")).AutoClear(false).StartAsync(async ctx =>
            {
                var r = await runner.RunAsync(p =>
                {
                    last = p;
                    ctx.UpdateTarget(DemoReport.Live(p));
                }, cancellationToken).ConfigureAwait(false);
                if (last is not null)
                {
                    ctx.UpdateTarget(DemoReport.Live(last));
                }

                return r;
            }).ConfigureAwait(false);
        }
        else
        {
            var nextLine = 0.0;
            result = await runner.RunAsync(p =>
            {
                if (p.ScenarioSeconds >= nextLine)
                {
                    console.WriteLine(DemoReport.Line(p));
                    nextLine = p.ScenarioSeconds + (p.Window.TotalSeconds / 8);
                }
            }, cancellationToken).ConfigureAwait(false);
        }

        console.WriteLine();
        DemoReport.Final(console, result);
        return 0;
    }
}
