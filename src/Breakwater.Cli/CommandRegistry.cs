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
        config.AddCommand<Commands.ServeCommand>("serve").WithDescription("Run the gateway: a drop-in ANTHROPIC_BASE_URL that rides out 529 storms.").WithExample("serve", "--port", "8529", "--upstream", "https://api.anthropic.com");
    }
}
