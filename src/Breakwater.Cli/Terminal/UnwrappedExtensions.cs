using Spectre.Console;

namespace Breakwater.Cli.Terminal;

/// <summary><see cref="Unwrapped"/> as one call.</summary>
internal static class UnwrappedExtensions
{
    /// <summary>Writes <paramref name="markup"/> and a line break, never wrapped (see <see cref="Unwrapped"/>).</summary>
    public static void MarkupLineUnwrapped(this IAnsiConsole console, string markup)
    {
        ArgumentNullException.ThrowIfNull(console);
        console.Write(new Unwrapped(new Markup(markup)));
        console.WriteLine();
    }
}
