using Breakwater.Cli.Terminal;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Breakwater.Cli;

/// <summary>
/// Runs the <c>breakwater</c> command line: <c>breakwater help [command]</c>, strict parsing, usage errors on stderr
/// with the closest valid option or command and exit code 2, runtime failures on stderr in one line and exit code 1
/// (<see cref="ExitCodes"/>).
/// </summary>
internal static class CliApp
{
    /// <summary>Set to anything to print the full exception of an unexpected failure (for bug reports).</summary>
    public const string DebugVariable = "BREAKWATER_DEBUG";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliConsoles consoles)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(consoles);
        var arguments = Normalize(args);
        if (UsageErrors.BranchWithoutCommand(arguments) is { } branchError)
        {
            UsageErrors.Write(consoles.Error, branchError);
            return ExitCodes.Usage;
        }

        var app = new CommandApp();
        app.Configure(config =>
        {
            CommandRegistry.Register(config);
            config.ConfigureConsole(consoles.Out);
            config.SetHelpProvider(new CliHelpProvider(config.Settings));
            config.Settings.Registrar.RegisterInstance(consoles);
            config.SetExceptionHandler((exception, _) => Fail(exception, arguments, consoles.Error));
        });
        return await app.RunAsync(arguments);
    }

    /// <summary><c>help</c> is <c>--help</c>: <c>breakwater help serve</c> is <c>breakwater serve --help</c>.</summary>
    internal static IReadOnlyList<string> Normalize(IReadOnlyList<string> args) =>
        args.Count > 0 && string.Equals(args[0], "help", StringComparison.OrdinalIgnoreCase)
            ? [.. args.Skip(1), "--help"]
            : args;

    private static int Fail(Exception exception, IReadOnlyList<string> args, IAnsiConsole error)
    {
        if (UsageErrors.Describe(exception, args) is { } usage)
        {
            UsageErrors.Write(error, usage);
            return ExitCodes.Usage;
        }

        // Not the user's command line: one line, no stack trace unless asked for.
        error.MarkupLine($"[red]Error:[/] {Markup.Escape(exception.Message)}");
        if (Environment.GetEnvironmentVariable(DebugVariable) is not null)
        {
            error.WriteLine(exception.ToString());
        }
        else
        {
            error.MarkupLine($"[grey]Set {DebugVariable}=1 to see the full exception.[/]");
        }

        return ExitCodes.RuntimeFailure;
    }
}
