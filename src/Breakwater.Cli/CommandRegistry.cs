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
        config.AddCommand<Commands.SimulateCommand>("simulate").WithDescription("Run an Anthropic-compatible upstream that overloads on cue (scenarios, status page, scripted responses).").WithExample("simulate", "--scenario", "flash-storm", "--time-scale", "10");
    }
}
