using System.ComponentModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace Breakwater.Gateway.Hosting;

/// <summary>
/// Checks a configuration against the shape of <see cref="GatewayOptions"/> before it is bound: every key must be one
/// the gateway reads (a mistyped key would otherwise be ignored and its default used), and every value must convert
/// to its type. Each problem names the key, where it came from and, when a known key or value is close, that one.
/// </summary>
internal static class ConfigurationCheck
{
    /// <summary>Top-level sections the gateway does not bind but hands on whole (logging levels).</summary>
    private static readonly string[] OpenSections = ["Logging"];

    /// <summary>The problems of <paramref name="configuration"/>: unknown keys, and values that do not convert to their type.</summary>
    public static (IReadOnlyList<string> UnknownKeys, IReadOnlyList<string> BadValues) Check(IConfigurationRoot configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var shape = ConfigurationShape.Of(typeof(GatewayOptions));
        foreach (var open in OpenSections)
        {
            shape.Add(open, ConfigurationShape.Anything);
        }

        var unknown = new List<string>();
        var values = new List<string>();
        Walk(configuration, configuration.GetChildren(), shape, unknown, values);
        return (unknown, values);
    }

    private static void Walk(IConfigurationRoot root, IEnumerable<IConfigurationSection> sections, ConfigurationShape shape, List<string> unknown, List<string> values)
    {
        foreach (var section in sections)
        {
            if (shape.Open)
            {
                return;
            }

            var child = shape.AnyChild ?? shape.Children.GetValueOrDefault(section.Key);
            if (child is null || (child.ValueType is not null && section.GetChildren().Any()))
            {
                var suggestion = child is null ? ClosestName.Find(section.Key, shape.Children.Keys) : null;
                var what = child is null ? "is not a setting the gateway knows" : "is a value, not a section";
                unknown.Add($"{section.Path} ({Source(root, section.Path)}) {what}" +
                    (suggestion is null ? "." : $"; did you mean {Parent(section.Path)}{suggestion}?"));
                continue;
            }

            if (child.ValueType is { } type)
            {
                if (!string.IsNullOrEmpty(section.Value) && Convert(type, section.Value) is { } problem)
                {
                    values.Add($"{section.Path} ({Source(root, section.Path)}): '{section.Value}' {problem}.");
                }

                continue;
            }

            Walk(root, section.GetChildren(), child, unknown, values);
        }
    }

    /// <summary>Null when <paramref name="value"/> converts to <paramref name="type"/>, else what was expected.</summary>
    private static string? Convert(Type type, string value)
    {
        if (type.IsEnum)
        {
            var names = Enum.GetNames(type);
            if (names.Contains(value.Trim(), StringComparer.OrdinalIgnoreCase))
            {
                return null;
            }

            var closest = ClosestName.Find(value, names);
            return $"is not one of {string.Join(", ", names)}" + (closest is null ? "" : $" (did you mean {closest}?)");
        }

        try
        {
            _ = TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return null;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException or NotSupportedException || ex.InnerException is FormatException or OverflowException)
        {
            return "is not " + Expected(type);
        }
    }

    private static string Expected(Type type) => type switch
    {
        _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => "a whole number",
        _ when type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort) || type == typeof(byte) => "a whole number of zero or more",
        _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(TimeSpan) => "a duration such as 00:00:30 (hh:mm:ss) or 1.00:00:00 (days)",
        _ when type == typeof(Uri) => "a URL",
        _ => "a valid " + type.Name,
    };

    private static string Parent(string path)
    {
        var colon = path.LastIndexOf(':');
        return colon < 0 ? "" : path[..(colon + 1)];
    }

    /// <summary>Where a key was set: the file, the environment variable or the command line (the last source that has it wins).</summary>
    private static string Source(IConfigurationRoot root, string path)
    {
        foreach (var provider in root.Providers.Reverse())
        {
            if (!provider.TryGet(path, out _) && !provider.GetChildKeys([], path).Any())
            {
                continue;
            }

            return provider switch
            {
                FileConfigurationProvider file => "in " + FilePath(file.Source),
                EnvironmentVariablesConfigurationProvider => "environment variable BREAKWATER__" + path.Replace(":", "__", StringComparison.Ordinal),
                CommandLineConfigurationProvider => "command line",
                _ => "set in code",
            };
        }

        return "set in code";
    }

    private static string FilePath(FileConfigurationSource source) =>
        source.FileProvider is Microsoft.Extensions.FileProviders.PhysicalFileProvider physical && source.Path is { } relative
            ? Path.Combine(physical.Root, relative)
            : source.Path ?? "a configuration file";
}
