using Spectre.Console;

namespace Breakwater.Cli.Terminal;

/// <summary>
/// The two consoles of one run: results go to <see cref="Out"/> (stdout), errors to <see cref="Error"/> (stderr).
/// Program.cs makes them once per process (<see cref="ForProcess"/>); commands receive them by constructor injection.
/// </summary>
internal sealed class CliConsoles
{
    /// <summary>
    /// The width used when a stream is redirected to a file or a pipe: wide enough that no line of ours is ever
    /// hard-wrapped (Spectre would otherwise assume 80 columns), bounded so nothing pads to an absurd width.
    /// </summary>
    public const int RedirectedWidth = 4096;

    public CliConsoles(IAnsiConsole output, IAnsiConsole error)
    {
        Out = output;
        Error = error;
    }

    /// <summary>Results: tables, reports, banners.</summary>
    public IAnsiConsole Out { get; }

    /// <summary>Errors and warnings, one clear line each.</summary>
    public IAnsiConsole Error { get; }

    /// <summary>stdout and stderr, each at the terminal's width, or <see cref="RedirectedWidth"/> when redirected.</summary>
    public static CliConsoles ForProcess() => new(
        Create(Console.Out, Console.IsOutputRedirected),
        Create(Console.Error, Console.IsErrorRedirected));

    /// <summary>A console on <paramref name="writer"/>; plain text at <see cref="RedirectedWidth"/> when <paramref name="redirected"/>.</summary>
    public static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        if (redirected)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}
