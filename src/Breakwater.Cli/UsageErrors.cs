using System.Reflection;
using System.Text.RegularExpressions;
using Breakwater.Gateway.Hosting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Breakwater.Cli;

/// <summary>
/// Turns a command-line mistake into a message that names it and the closest valid option or command
/// (<c>--prot</c>: did you mean <c>--port</c>?). Everything here is exit code 2, written to stderr.
/// </summary>
internal static partial class UsageErrors
{
    private static readonly string[] HelpOptions = ["--help", "-h"];
    private static readonly string[] RootOptions = ["--help", "-h", "--version", "-v"];

    /// <summary>The usage error an exception stands for, or null when it is not about the command line.</summary>
    public static UsageError? Describe(Exception exception, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(args);
        switch (exception)
        {
            case CommandParseException parse when OptionPattern().Match(parse.Message) is { Success: true } m:
                return UnknownOption(m.Groups["name"].Value, args);
            case CommandParseException parse when CommandPattern().Match(parse.Message) is { Success: true } m:
                return UnknownCommand(m.Groups["name"].Value, args);
            case CommandParseException parse:
                return Generic(parse.Message, args);
            case CommandRuntimeException runtime when ConvertPattern().Match(runtime.Message) is { Success: true } m:
                return BadValue(m.Groups["value"].Value, args);
            case CommandRuntimeException runtime:
                return Generic(runtime.Message, args);
            default:
                return null;
        }
    }

    /// <summary><c>breakwater bench</c> alone: a branch needs one of its commands.</summary>
    public static UsageError? BranchWithoutCommand(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count == 0 || !CommandRegistry.Branches.Contains(args[0], StringComparer.OrdinalIgnoreCase))
        {
            return null;
        }

        if (args.Count > 1 && (!args[1].StartsWith('-') || HelpOptions.Contains(args[1], StringComparer.OrdinalIgnoreCase)))
        {
            return null;
        }

        var branch = args[0].ToLowerInvariant();
        var children = Children(branch);
        return new UsageError(
            $"'breakwater {branch}' needs a command: {string.Join(", ", children)}.",
            [$"Run 'breakwater {branch} {children[0]} --help' for its options."]);
    }

    /// <summary>Writes the error, then its hints, to <paramref name="error"/> (stderr).</summary>
    public static void Write(IAnsiConsole error, UsageError usage)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(usage);
        error.MarkupLine($"[red]Error:[/] {Markup.Escape(usage.Message)}");
        foreach (var hint in usage.Hints)
        {
            error.WriteLine(hint);
        }
    }

    /// <summary>The long and short option names of a command (<c>--port</c>, <c>-h</c>), help included.</summary>
    public static IReadOnlyList<string> OptionsOf(string command)
    {
        if (!CommandRegistry.SettingsByCommand.TryGetValue(command, out var settings))
        {
            return command.Length == 0 ? RootOptions : HelpOptions;
        }

        var names = settings.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.GetCustomAttribute<CommandOptionAttribute>())
            .OfType<CommandOptionAttribute>()
            .SelectMany(o => o.LongNames.Select(n => "--" + n).Concat(o.ShortNames.Select(n => "-" + n)));
        return [.. names, .. HelpOptions];
    }

    private static UsageError UnknownOption(string name, IReadOnlyList<string> args)
    {
        var index = IndexOfOption(args, name);
        var typed = index >= 0 ? args[index].Split('=', 2)[0] : (name.Length == 1 ? "-" : "--") + name;
        var command = CommandPath(args, index >= 0 ? index : args.Count);
        var options = OptionsOf(command);
        var where = command.Length == 0 ? "'breakwater'" : $"'breakwater {command}'";
        var shown = options.Where(o => o.StartsWith("--", StringComparison.Ordinal)).ToList();
        return ClosestName.Find(typed, options) is { } closest
            ? new UsageError($"Unknown option '{typed}' for {where}. Did you mean '{closest}'?", [HelpHint(command)])
            : new UsageError($"Unknown option '{typed}' for {where}. Its options: {string.Join(", ", shown)}.", [HelpHint(command)]);
    }

    private static UsageError UnknownCommand(string name, IReadOnlyList<string> args)
    {
        var index = IndexOf(args, name);
        var parent = CommandPath(args, index >= 0 ? index : 0);
        var known = Children(parent);
        var where = parent.Length == 0 ? "" : $" of 'breakwater {parent}'";
        var hint = parent.Length == 0 ? "Run 'breakwater --help' for every command." : $"Run 'breakwater {parent} --help' for its commands.";
        return ClosestName.Find(name, known) is { } closest
            ? new UsageError($"Unknown command '{name}'{where}. Did you mean '{closest}'?", [hint])
            : new UsageError($"Unknown command '{name}'{where}. Commands: {string.Join(", ", known)}.", [hint]);
    }

    private static UsageError BadValue(string value, IReadOnlyList<string> args)
    {
        // The option is the argument before the value (--port abc) or the value's own head (--port=abc).
        for (var i = 0; i < args.Count; i++)
        {
            var parts = args[i].Split('=', 2);
            var option = parts.Length == 2 && parts[1] == value && parts[0].StartsWith('-') ? parts[0]
                : args[i] == value && i > 0 && args[i - 1].StartsWith('-') ? args[i - 1]
                : null;
            if (option is not null)
            {
                var command = CommandPath(args, i);
                var expected = ExpectedValue(command, option);
                return new UsageError($"Invalid value '{value}' for {option}{expected}.", [HelpHint(command)]);
            }
        }

        return Generic($"Invalid value '{value}'.", args);
    }

    /// <summary>": expected a whole number" for an int option, and so on; "" when the type says nothing useful.</summary>
    private static string ExpectedValue(string command, string option)
    {
        var property = CommandRegistry.SettingsByCommand.TryGetValue(command, out var settings)
            ? settings.GetProperties(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault(p =>
                p.GetCustomAttribute<CommandOptionAttribute>() is { } o
                && (o.LongNames.Any(n => ("--" + n).Equals(option, StringComparison.OrdinalIgnoreCase)) || o.ShortNames.Any(n => ("-" + n).Equals(option, StringComparison.Ordinal))))
            : null;
        var type = property is null ? null : Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        return type switch
        {
            null => "",
            _ when type == typeof(int) || type == typeof(long) => ": expected a whole number",
            _ when type == typeof(double) || type == typeof(decimal) => ": expected a number",
            _ when type == typeof(bool) => ": expected true or false",
            { IsEnum: true } => $": expected one of {string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))}",
            _ => "",
        };
    }

    private static UsageError Generic(string message, IReadOnlyList<string> args) =>
        new(message, [HelpHint(CommandPath(args, args.Count))]);

    private static string HelpHint(string command) =>
        command.Length == 0 ? "Run 'breakwater --help' for usage." : $"Run 'breakwater {command} --help' for its options.";

    /// <summary>The commands named before <paramref name="end"/>: <c>serve</c>, <c>bench policies</c>, or "" for none.</summary>
    internal static string CommandPath(IReadOnlyList<string> args, int end)
    {
        var path = "";
        for (var i = 0; i < Math.Min(end, args.Count); i++)
        {
            var candidate = path.Length == 0 ? args[i] : path + " " + args[i];
            if (args[i].StartsWith('-') || !Children(path).Contains(args[i], StringComparer.OrdinalIgnoreCase))
            {
                break;
            }

            path = candidate.ToLowerInvariant();
        }

        return path;
    }

    /// <summary>The commands directly under <paramref name="parent"/> ("" for the top level).</summary>
    private static List<string> Children(string parent)
    {
        var prefix = parent.Length == 0 ? "" : parent + " ";
        var children = CommandRegistry.SettingsByCommand.Keys
            .Where(k => k.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(k => k[prefix.Length..].Split(' ')[0])
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (parent.Length == 0)
        {
            children.Add("help");
        }

        return children;
    }

    private static int IndexOfOption(IReadOnlyList<string> args, string name)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var head = args[i].Split('=', 2)[0];
            if (head.TrimStart('-').Equals(name, StringComparison.OrdinalIgnoreCase) && head.StartsWith('-'))
            {
                return i;
            }
        }

        return -1;
    }

    private static int IndexOf(IReadOnlyList<string> args, string value)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i].Equals(value, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    [GeneratedRegex("^(?:Unknown|Unexpected) option '(?<name>[^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex OptionPattern();

    [GeneratedRegex("^Failed to convert '(?<value>.*)' to ", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex ConvertPattern();

    [GeneratedRegex("^Unknown command '(?<name>[^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex CommandPattern();
}
