using Breakwater.Cli.Doctor;
using Breakwater.Cli.Terminal;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Breakwater.Cli.Commands;

/// <summary><c>breakwater doctor</c>: is it the platform, my traffic, my quota, my request, my gateway or my network?</summary>
internal sealed class DoctorCommand : AsyncCommand<DoctorSettings>
{
    private readonly DoctorEnvironment _env;
    private readonly IAnsiConsole _console;

    public DoctorCommand(CliConsoles consoles)
        : this(DoctorEnvironment.Default, consoles.Out)
    {
    }

    internal DoctorCommand(DoctorEnvironment env, IAnsiConsole console)
    {
        _env = env;
        _console = console;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, DoctorSettings settings, CancellationToken cancellationToken)
    {
        var report = await new DoctorRunner(_env).RunAsync(settings, cancellationToken);
        if (settings.Json)
        {
            DoctorRenderer.WriteJson(_console.Profile.Out.Writer, report);
        }
        else
        {
            DoctorRenderer.Write(_console, report);
        }

        return report.Diagnosis.Verdict.ExitCode();
    }
}
