using System.ComponentModel;
using System.Globalization;
using Breakwater.Gateway;
using Microsoft.Extensions.Hosting;
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
        [Description("Port to listen on (default 8529; 0 picks a free one).")]
        public int? Port { get; init; }

        [CommandOption("--upstream <URL>")]
        [Description("The Anthropic API base URL calls go to (default https://api.anthropic.com).")]
        public string? Upstream { get; init; }

        [CommandOption("--config <FILE>")]
        [Description("A JSON configuration file (see docs/configuration.md).")]
        public string? Config { get; init; }

        [CommandOption("--listen <ADDRESS>")]
        [Description("Address to bind (default 127.0.0.1).")]
        public string? Listen { get; init; }

        [CommandOption("--status-url <URL>")]
        [Description("The Statuspage v2 page the gateway watches for incidents (Breakwater:StatusPage:BaseUrl, default https://status.claude.com); breakwater simulate serves one at its own address.")]
        public string? StatusUrl { get; init; }

        public override ValidationResult Validate()
            => StatusUrl is not null && StatusUrlOption.Parse(StatusUrl, out var error) is null ? ValidationResult.Error(error!) : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        Microsoft.AspNetCore.Builder.WebApplication app;
        try
        {
            app = GatewayApp.CreateBuilder()
                .UseConfigFile(settings.Config)
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
            AnsiConsole.MarkupLine("[red]The gateway configuration is not valid:[/]");
            foreach (var failure in ex.Failures)
            {
                AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"  - {failure}");
            }

            return 2;
        }
        catch (FileNotFoundException ex)
        {
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[red]Configuration file not found:[/] {ex.FileName}");
            return 2;
        }

        await using (app)
        {
            await app.StartAsync(cancellationToken);
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"Breakwater gateway on [bold]{GatewayApp.GetAddress(app)}[/]  (export ANTHROPIC_BASE_URL={GatewayApp.GetAddress(app).ToString().TrimEnd('/')})");
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
