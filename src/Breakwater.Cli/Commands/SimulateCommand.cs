using System.ComponentModel;
using System.Globalization;
using Breakwater.Cli.Terminal;
using Breakwater.Simulator;
using Breakwater.Simulator.Progress;
using Breakwater.Simulator.Scenarios;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Breakwater.Cli.Commands;

/// <summary><c>breakwater simulate</c>: runs the overloading Anthropic-compatible upstream on 127.0.0.1 until Ctrl+C.</summary>
internal sealed class SimulateCommand : AsyncCommand<SimulateCommand.Settings>
{
    /// <summary>Options of <c>breakwater simulate</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>Port on 127.0.0.1 (default 8530; 0 picks a free one).</summary>
        [CommandOption("--port <PORT>")]
        [Description("Port on 127.0.0.1; 0 picks a free port (default: 8530).")]
        [DefaultValue(8530)]
        public int Port { get; init; } = 8530;

        /// <summary>A built-in scenario name or a scenario JSON file (default steady).</summary>
        [CommandOption("--scenario <NAME|FILE>")]
        [Description("A built-in scenario (steady, flash-storm, long-incident, opus-outage, rate-limited, midstream-overload, metastable, masked-gateway) or a scenario JSON file (default: steady).")]
        [DefaultValue("steady")]
        public string Scenario { get; init; } = "steady";

        /// <summary>Scenario seconds per wall-clock second (default 1).</summary>
        [CommandOption("--time-scale <X>")]
        [Description("Scenario time runs X times faster than the wall clock (default: 1).")]
        [DefaultValue(1.0)]
        public double TimeScale { get; init; } = 1.0;

        /// <summary>Seed of every random draw (default 1).</summary>
        [CommandOption("--seed <N>")]
        [Description("Seed of every random draw, same seed same run (default: 1).")]
        [DefaultValue(1)]
        public int Seed { get; init; } = 1;

        /// <summary>Whether the simulator plays the scenario's offered load itself: <c>on</c> (default) or <c>off</c>.</summary>
        [CommandOption("--background <on|off>")]
        [Description("on: the simulator plays the scenario's other users (its offered load) against the same capacity as your requests; off: it only answers what it is sent (default: on).")]
        [DefaultValue("on")]
        public string Background { get; init; } = "on";

        /// <summary>Whether <see cref="Background"/> is on.</summary>
        public bool BackgroundOn => string.Equals(Background, "on", StringComparison.OrdinalIgnoreCase);

        /// <inheritdoc />
        public override ValidationResult Validate()
        {
            if (Port is < 0 or > 65535)
            {
                return ValidationResult.Error("--port must be between 0 and 65535.");
            }

            if (!(TimeScale > 0) || double.IsInfinity(TimeScale))
            {
                return ValidationResult.Error("--time-scale must be a positive number.");
            }

            if (!string.Equals(Background, "on", StringComparison.OrdinalIgnoreCase) && !string.Equals(Background, "off", StringComparison.OrdinalIgnoreCase))
            {
                return ValidationResult.Error($"--background must be on or off (is '{Background}').");
            }

            return ValidationResult.Success();
        }
    }

    private readonly CliConsoles _consoles;

    public SimulateCommand(CliConsoles consoles) => _consoles = consoles;

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        Scenario scenario;
        try
        {
            scenario = ScenarioCatalog.Resolve(settings.Scenario);
        }
        catch (ScenarioException e)
        {
            _consoles.Error.MarkupLine(CultureInfo.InvariantCulture, "[red]Error:[/] {0}", Markup.Escape(e.Message));
            return ExitCodes.Usage;
        }

        using var simulator = new Simulator.Simulator(new SimulatorOptions { Scenario = scenario, Seed = settings.Seed, TimeScale = settings.TimeScale, BackgroundLoad = settings.BackgroundOn });
        SimulatorServer server;
        try
        {
            server = await SimulatorServer.StartAsync(simulator, settings.Port, cancellationToken);
        }
        catch (IOException e)
        {
            _consoles.Error.MarkupLine(CultureInfo.InvariantCulture, "[red]Error:[/] cannot listen on 127.0.0.1:{0}: {1} Stop that process, or choose another port: --port 0 picks a free one.", settings.Port, Markup.Escape(e.Message));
            return ExitCodes.RuntimeFailure;
        }

        await using (server)
        {
            var url = server.Url.GetLeftPart(UriPartial.Authority);
            AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "[bold]Breakwater simulator[/] listening on [link]{0}[/]", url);
            AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "Scenario [yellow]{0}[/]: {1}", Markup.Escape(scenario.Name), Markup.Escape(scenario.Description));
            AnsiConsole.MarkupLine(
                CultureInfo.InvariantCulture,
                "Run length {0} min, time scale {1}×, seed {2}",
                (scenario.RunSeconds / 60).ToString("0.#", CultureInfo.InvariantCulture),
                settings.TimeScale.ToString(CultureInfo.InvariantCulture),
                settings.Seed);
            AnsiConsole.WriteLine(SimulateText.BackgroundLine(scenario, settings.BackgroundOn));
            AnsiConsole.WriteLine();
            AnsiConsole.Console.MarkupLineUnwrapped($"Point an SDK at it:   [green]ANTHROPIC_BASE_URL={url}[/]  (any API key works)");
            AnsiConsole.Console.MarkupLineUnwrapped($"Or the gateway:       [green]{Markup.Escape(SimulateText.ServeCommandLine(url))}[/]");
            AnsiConsole.Console.MarkupLineUnwrapped($"Stats:                {url}/simulator/stats");
            AnsiConsole.Console.MarkupLineUnwrapped($"Status page:          {url}/api/v2/summary.json");
            AnsiConsole.Console.MarkupLineUnwrapped($"Switch scenario:      curl -X POST {url}/simulator/scenario -d flash-storm");
            AnsiConsole.MarkupLine("Press [bold]Ctrl+C[/] to stop.");
            AnsiConsole.WriteLine();

            // One line per incident start/end and capacity change, as scenario time reaches it.
            using var progress = new ProgressLines(simulator, TimeProvider.System, line => Console.Out.WriteLine(line));
            await WaitForStopAsync(cancellationToken, server.Stopping);
            AnsiConsole.MarkupLine("Stopping.");
        }

        return 0;
    }

    private static async Task WaitForStopAsync(CancellationToken cancellationToken, CancellationToken serverStopping)
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnCancel(object? sender, ConsoleCancelEventArgs e)
        {
            e.Cancel = true;
            stopped.TrySetResult();
        }

        Console.CancelKeyPress += OnCancel;
        try
        {
            using var registration = cancellationToken.Register(() => stopped.TrySetResult());
            using var stopping = serverStopping.Register(() => stopped.TrySetResult());
            await stopped.Task;
        }
        finally
        {
            Console.CancelKeyPress -= OnCancel;
        }
    }
}
