using System.Text.Json;
using System.Text.Json.Serialization;

namespace Breakwater.Simulator.Scenarios;

/// <summary>The built-in scenarios (embedded JSON, described in docs/scenarios.md) and loading of scenario files.</summary>
public static class ScenarioCatalog
{
    private const string ResourcePrefix = "Breakwater.Simulator.Scenarios.";

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    /// <summary>The names of the built-in scenarios, in report order.</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } =
    [
        "steady", "flash-storm", "long-incident", "opus-outage", "rate-limited", "midstream-overload", "metastable", "masked-gateway",
        "flash-storm-v2", "metastable-v2", "metastable-entries", "partial-outage", "timeout-redraw",
    ];

    /// <summary>Built-in variants that are not part of <c>all</c> (the suite of built-in scenarios) but run by name.</summary>
    public static IReadOnlyList<string> VariantNames { get; } = ["long-incident-deferral"];

    private static bool IsBuiltIn(string name) =>
        BuiltInNames.Contains(name, StringComparer.Ordinal) || VariantNames.Contains(name, StringComparer.Ordinal);

    /// <summary>Returns the built-in scenario <paramref name="name"/>.</summary>
    /// <exception cref="ScenarioException">No built-in has that name.</exception>
    public static Scenario Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!IsBuiltIn(name))
        {
            throw new ScenarioException($"Unknown scenario '{name}'. Built-in scenarios: {string.Join(", ", BuiltInNames.Concat(VariantNames))}.");
        }

        using var stream = typeof(ScenarioCatalog).Assembly.GetManifestResourceStream(ResourcePrefix + name + ".json")
            ?? throw new ScenarioException($"The built-in scenario '{name}' is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), $"'{name}'");
    }

    /// <summary>Loads and validates a scenario file.</summary>
    /// <exception cref="ScenarioException">The file is missing, not JSON, or invalid; the message lists every problem.</exception>
    public static Scenario Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ScenarioException($"Cannot read scenario file '{path}': {e.Message}", e);
        }

        return Parse(text, $"file '{path}'");
    }

    /// <summary>A built-in name, or else a path to a scenario file.</summary>
    public static Scenario Resolve(string nameOrPath)
    {
        ArgumentNullException.ThrowIfNull(nameOrPath);
        return IsBuiltIn(nameOrPath) ? Get(nameOrPath) : Load(nameOrPath);
    }

    /// <summary>Parses and validates scenario JSON.</summary>
    /// <param name="json">The scenario document.</param>
    /// <param name="source">How to name the document in error messages (default "(inline)").</param>
    /// <exception cref="ScenarioException">The text is not JSON of the schema, or is invalid; the message lists every problem.</exception>
    public static Scenario Parse(string json, string source = "(inline)")
    {
        ArgumentNullException.ThrowIfNull(json);
        Scenario? scenario;
        try
        {
            scenario = JsonSerializer.Deserialize<Scenario>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            var where = e.Path is { Length: > 0 } path ? $" at {path}" : "";
            var line = e.LineNumber is { } l ? $" (line {l + 1})" : "";
            throw new ScenarioException(source, [$"not a valid scenario document{where}{line}: {Shorten(e.Message)}"]);
        }

        if (scenario is null)
        {
            throw new ScenarioException(source, ["the document is null"]);
        }

        var problems = ScenarioValidator.Validate(scenario);
        if (problems.Count > 0)
        {
            throw new ScenarioException(source, problems);
        }

        return scenario;
    }

    /// <summary>Serialises a scenario to the JSON of the schema.</summary>
    public static string ToJson(Scenario scenario) => JsonSerializer.Serialize(scenario, JsonOptions);

    private static string Shorten(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
