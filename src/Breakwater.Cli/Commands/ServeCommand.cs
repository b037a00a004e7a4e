using System.ComponentModel;
using System.Globalization;
using Breakwater.Cli.Terminal;
using Breakwater.Gateway;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Breakwater.Cli.Commands;

/// <summary><c>breakwater serve</c>: runs the gateway, a drop-in <c>ANTHROPIC_BASE_URL</c>.</summary>
internal sealed class ServeCommand : AsyncCommand<ServeCommand.Settings>
{
    /// <summary>Flags of <c>serve</c>; each overrides appsettings.json, the config file and BREAKWATER__* variables.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--port <PORT>")]
        [Description("Port to listen on; 0 picks a free one (default: 8529, or Port in the configuration).")]
        public int? Port { get; init; }

        [CommandOption("--upstream <URL>")]
        [Description("The Anthropic API base URL calls go to (default: https://api.anthropic.com, or Upstream in the configuration).")]
        public string? Upstream { get; init; }

        [CommandOption("--config <FILE>")]
        [Description("A JSON configuration file, read after appsettings.json and before BREAKWATER__* variables; see docs/configuration.md (default: none).")]
        public string? Config { get; init; }

        [CommandOption("--listen <ADDRESS>")]
        [Description("Address to bind; 0.0.0.0 for every interface (default: 127.0.0.1, or ListenAddress in the configuration).")]
        public string? Listen { get; init; }

        [CommandOption("--status-url <URL>")]
        [Description("The Statuspage v2 page the gateway watches for incidents; breakwater simulate serves one at its own address (default: https://status.claude.com, or Breakwater:StatusPage:BaseUrl in the configuration).")]
        public string? StatusUrl { get; init; }

        public override ValidationResult Validate()
            => StatusUrl is not null && StatusUrlOption.Parse(StatusUrl, out var error) is null ? ValidationResult.Error(error!) : ValidationResult.Success();
    }

    private readonly CliConsoles _consoles;

    public ServeCommand(CliConsoles consoles) => _consoles = consoles;

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var error = _consoles.Error;
        var started = false;
        Microsoft.AspNetCore.Builder.WebApplication app;
        try
        {
            app = GatewayApp.CreateBuilder()
                .UseConfigFile(settings.Config)
                .ConfigureLogging(logging =>
                {
                    // Warnings and errors of the running gateway go to stderr; a failure to start is said once, below,
                    // instead of as the host's and Kestrel's logged stack traces.
                    logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Warning);
                    logging.AddFilter("Microsoft.Extensions.Hosting", level => level >= LogLevel.Information && (started || level < LogLevel.Error));
                    logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", level => level >= LogLevel.Warning && (started || level < LogLevel.Error));
                })
                .Configure(o =>
                {
                    if (settings.Port is { } port)
                    {
                        o.Port = port;
                    }

                    if (settings.Upstream is { } upstream)
                    {
                        o.Upstream = upstream;
                    }

                    if (settings.Listen is { } listen)
                    {
                        o.ListenAddress = listen;
                    }

                    StatusUrlOption.Apply(settings.StatusUrl, o);
                })
                .Build();
        }
        catch (OptionsValidationException ex)
        {
            error.MarkupLine("[red]Error:[/] the gateway configuration is not valid (appsettings.json, --config, BREAKWATER__* variables, flags):");
            foreach (var failure in ex.Failures)
            {
                error.MarkupLineUnwrapped(Markup.Escape($"  - {failure}"));
            }

            error.WriteLine("See docs/configuration.md for every key, or breakwater serve --help for the sources.");
            return ExitCodes.Usage;
        }
        catch (FileNotFoundException ex)
        {
            error.MarkupLineUnwrapped($"[red]Error:[/] configuration file not found: {Markup.Escape(ex.FileName ?? settings.Config ?? "")} (from --config {Markup.Escape(settings.Config ?? "")}).");
            return ExitCodes.Usage;
        }

        await using (app)
        {
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException ex)
            {
                var options = app.Services.GetRequiredService<GatewayOptions>();
                var address = $"{options.ListenAddress}:{options.Port.ToString(CultureInfo.InvariantCulture)}";
                var inUse = ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException;
                error.MarkupLineUnwrapped(inUse
                    ? $"[red]Error:[/] cannot listen on {Markup.Escape(address)}: the port is already in use (another gateway?). Stop that process, or choose another port: breakwater serve --port {(options.Port == GatewayOptions.DefaultPort ? 8531 : options.Port + 1).ToString(CultureInfo.InvariantCulture)} (0 picks a free one)."
                    : $"[red]Error:[/] cannot listen on {Markup.Escape(address)}: {Markup.Escape(ex.Message)} Check --listen and --port.");
                return ExitCodes.RuntimeFailure;
            }

            started = true;
            var url = GatewayApp.GetAddress(app).ToString().TrimEnd('/');
            var console = AnsiConsole.Console;
            console.MarkupLineUnwrapped($"Breakwater gateway on [bold]{Markup.Escape(url)}[/]");
            console.MarkupLineUnwrapped($"  export ANTHROPIC_BASE_URL={Markup.Escape(url)}");
            try
            {
                await app.WaitForShutdownAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await app.StopAsync(CancellationToken.None);
            }
        }

        return 0;
    }
}
