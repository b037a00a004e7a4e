using Breakwater.Cli.Doctor;
using Breakwater.Cli.Terminal;
using Microsoft.Data.Sqlite;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Breakwater.Cli.Commands;

/// <summary><c>breakwater incidents</c>: the journal as episodes, with the matching status-page incident and the request_ids for support.</summary>
internal sealed class IncidentsCommand : AsyncCommand<IncidentsSettings>
{
    private readonly DoctorEnvironment _env;
    private readonly IAnsiConsole _console;
    private readonly IAnsiConsole _error;

    public IncidentsCommand(CliConsoles consoles)
        : this(DoctorEnvironment.Default, consoles.Out, consoles.Error)
    {
    }

    internal IncidentsCommand(DoctorEnvironment env, IAnsiConsole console, IAnsiConsole? error = null)
    {
        _env = env;
        _console = console;
        _error = error ?? console;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, IncidentsSettings settings, CancellationToken cancellationToken)
    {
        IncidentsReport report;
        try
        {
            report = await new IncidentsRunner(_env).RunAsync(settings, cancellationToken);
        }
        catch (SqliteException ex)
        {
            _error.MarkupLine($"[red]Error:[/] the journal could not be read ({Markup.Escape(ex.Message)}).");
            return ExitCodes.RuntimeFailure;
        }

        var output = _console.Profile.Out.Writer;
        if (settings.Json)
        {
            IncidentsRenderer.WriteJson(output, report);
        }
        else if (settings.Csv)
        {
            IncidentsRenderer.WriteCsv(output, report);
        }
        else if (_env.Interactive)
        {
            IncidentsRenderer.WriteTable(_console, report);
        }
        else
        {
            IncidentsRenderer.WritePlain(output, report);
        }

        return 0;
    }
}
