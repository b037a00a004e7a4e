using Spectre.Console;
using Spectre.Console.Rendering;

namespace Breakwater.Cli.Terminal;

/// <summary>
/// Lays a table out at the console's width so that nothing is truncated: columns marked <see cref="TableColumn.NoWrap"/>
/// (identifiers, URLs, numbers) keep their full width, the others may wrap between words but never inside one, and
/// headers stay whole. When even that does not fit, the caller prints one record per line instead.
/// </summary>
internal static class TableFit
{
    /// <summary>
    /// Fixes every column's width so that <paramref name="table"/> fits <paramref name="console"/> without breaking a
    /// word, an identifier or a header; false (and the table untouched) when it cannot fit.
    /// </summary>
    public static bool TryFit(IAnsiConsole console, Table table)
    {
        var options = RenderOptions.Create(console, console.Profile.Capabilities);
        var width = console.Profile.Width;
        var columns = table.Columns;
        var measured = columns.Select((column, i) => Measure(options, table, column, i)).ToArray();
        var natural = ((IRenderable)table).Measure(options, int.MaxValue / 2).Max;
        var chrome = natural - measured.Sum(m => m.Max);
        var available = width - chrome;
        var widths = measured.Select((m, i) => columns[i].NoWrap ? m.Max : m.Min).ToArray();
        if (widths.Sum() > available)
        {
            return false;
        }

        // Give the room left to the wrapping columns, smallest need first (a column that can be whole cheaply is
        // made whole), each up to what it would use unwrapped.
        var spare = available - widths.Sum();
        foreach (var i in Enumerable.Range(0, columns.Count).OrderBy(i => measured[i].Max - widths[i]))
        {
            var grow = Math.Min(spare, measured[i].Max - widths[i]);
            widths[i] += grow;
            spare -= grow;
        }

        for (var i = 0; i < columns.Count; i++)
        {
            columns[i].Width = widths[i];
        }

        return true;
    }

    private static Measurement Measure(RenderOptions options, Table table, TableColumn column, int index)
    {
        var header = column.Header.Measure(options, int.MaxValue / 2);
        var min = header.Min;
        var max = header.Max;
        foreach (var row in table.Rows)
        {
            if (index < row.Count)
            {
                var cell = row[index].Measure(options, int.MaxValue / 2);
                min = Math.Max(min, cell.Min);
                max = Math.Max(max, cell.Max);
            }
        }

        return new Measurement(min, max);
    }
}
