using Spectre.Console;

namespace Breakwater.Cli.Tests.Doctor;

/// <summary>A Spectre console writing plain text to a string.</summary>
internal sealed class TestConsole
{
    public TestConsole()
    {
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(Writer),
        });
        Console.Profile.Width = 200;
    }

    public StringWriter Writer { get; } = new();

    public IAnsiConsole Console { get; }

    public string Output => Writer.ToString();
}
