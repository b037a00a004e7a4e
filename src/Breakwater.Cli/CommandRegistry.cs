using Spectre.Console.Cli;

namespace Breakwater.Cli;

/// <summary>Every command of the <c>breakwater</c> tool; one file each under Commands/.</summary>
internal static class CommandRegistry
{
    public static void Register(IConfigurator config)
    {
        config.SetApplicationName("breakwater");
        config.ValidateExamples();
        // Each command registers itself in one line below (keep the order of the README).
    }
}
