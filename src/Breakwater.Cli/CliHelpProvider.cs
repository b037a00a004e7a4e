using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace Breakwater.Cli;

/// <summary>Spectre's help, plus a footer per command (<see cref="HelpFooters"/>): exit codes, configuration sources, column meanings.</summary>
internal sealed class CliHelpProvider : HelpProvider
{
    public CliHelpProvider(ICommandAppSettings settings)
        : base(settings)
    {
    }

    /// <inheritdoc />
    public override IEnumerable<IRenderable> GetFooter(ICommandModel model, ICommandInfo? command)
    {
        foreach (var renderable in base.GetFooter(model, command))
        {
            yield return renderable;
        }

        foreach (var (title, rows) in HelpFooters.For(PathOf(command)))
        {
            yield return new Markup($"\n[yellow]{Markup.Escape(title)}:[/]\n");
            var grid = new Grid();
            grid.AddColumn(new GridColumn { Padding = new Padding(4, 0, 4, 0), NoWrap = true });
            grid.AddColumn(new GridColumn { Padding = new Padding(0, 0) });
            foreach (var (name, text) in rows)
            {
                grid.AddRow(new Text(name), new Text(text));
            }

            yield return grid;
        }
    }

    /// <summary><c>bench policies</c> for the command <c>policies</c> under <c>bench</c>; "" for the root.</summary>
    private static string PathOf(ICommandInfo? command)
    {
        var names = new List<string>();
        for (var c = command; c is not null; c = c.Parent)
        {
            names.Insert(0, c.Name);
        }

        return string.Join(' ', names);
    }
}
