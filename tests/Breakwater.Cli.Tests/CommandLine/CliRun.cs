using Breakwater.Cli.Terminal;
using Spectre.Console.Testing;

namespace Breakwater.Cli.Tests.CommandLine;

/// <summary>Runs the whole <c>breakwater</c> command line in-process, stdout and stderr captured separately.</summary>
internal static class CliRun
{
    public static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new TestConsole();
        using var error = new TestConsole();
        output.Profile.Width = 120;
        error.Profile.Width = 120;
        var exit = await CliApp.RunAsync(args, new CliConsoles(output, error));
        return (exit, output.Output, error.Output);
    }
}
