using System.Text.RegularExpressions;

namespace Breakwater.Tests.Architecture;

/// <summary>
/// The library's rooms import only what docs/architecture.md's table allows. A room is the second part of a file's
/// namespace (<c>Breakwater.Policy</c> → Policy); an import is a <c>using Breakwater.X</c>, a qualified
/// <c>Breakwater.X.Type</c>, or a relative <c>X.Type</c> naming a type declared in room X. The root namespace
/// <c>Breakwater</c> (the handler, its options, headers, request options, exception and the options-validation helper) is the public face every room
/// may name.
/// </summary>
public sealed partial class RoomDependencyTests
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Anthropic"] = [],
        ["Classification"] = ["Anthropic"],
        ["Policy"] = ["Classification", "Health", "Retry"],
        ["Retry"] = ["Classification"],
        ["Fallback"] = [],
        ["Health"] = [],
        ["Concurrency"] = [],
        ["Pacing"] = ["Anthropic"],
        ["Status"] = [],
        ["Storage"] = [],
        ["State"] = ["Classification", "Policy", "Retry", "Health", "Concurrency", "Pacing", "Telemetry"],
        ["Telemetry"] = ["Anthropic", "Classification", "Retry", "Status", "Storage"],
        ["Deferral"] = ["Anthropic", "Classification", "Retry", "Health", "Telemetry", "Storage"],
        ["Pipeline"] = ["Anthropic", "Classification", "Policy", "Retry", "Concurrency", "Pacing", "State", "Telemetry"],
    };

    private static string LibraryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Breakwater.slnx")))
            {
                return Path.Combine(dir.FullName, "src", "Breakwater");
            }
        }

        throw new Xunit.Sdk.XunitException("Breakwater.slnx not found above " + AppContext.BaseDirectory);
    }

    private static List<(string Path, string Room, string Text)> Sources()
    {
        var root = LibraryRoot();
        return Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(p => (Path: Path.GetRelativePath(root, p), Text: File.ReadAllText(p)))
            .Select(f => (f.Path, Room: NamespacePattern().Match(f.Text) is { Success: true } m ? m.Groups["room"].Value : "", f.Text))
            .ToList();
    }

    /// <summary>The rooms each source file imports, found as the class summary says.</summary>
    internal static List<(string Path, string Room, string Imported)> Imports()
    {
        var sources = Sources();
        var typesByRoom = sources
            .Where(s => s.Room.Length > 0)
            .SelectMany(s => TypePattern().Matches(s.Text).Select(m => (s.Room, Type: m.Groups["name"].Value)))
            .GroupBy(t => t.Room)
            .ToDictionary(g => g.Key, g => g.Select(t => t.Type).ToHashSet(StringComparer.Ordinal));

        var found = new List<(string, string, string)>();
        foreach (var (path, room, text) in sources.Where(s => s.Room.Length > 0))
        {
            var imported = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match m in UsingPattern().Matches(text))
            {
                imported.Add(m.Groups["room"].Value);
            }

            foreach (Match m in QualifiedPattern().Matches(text))
            {
                var other = m.Groups["room"].Value;
                if (m.Groups["full"].Success || (typesByRoom.TryGetValue(other, out var types) && types.Contains(m.Groups["type"].Value)))
                {
                    imported.Add(other);
                }
            }

            imported.Remove(room);
            found.AddRange(imported.Where(typesByRoom.ContainsKey).Select(i => (path, room, i)));
        }

        return found;
    }

    [Fact]
    public void EveryRoomIsInTheTable()
    {
        var rooms = Sources().Select(s => s.Room).Where(r => r.Length > 0).ToHashSet();

        Assert.Equal(rooms.OrderBy(r => r, StringComparer.Ordinal), Allowed.Keys.OrderBy(r => r, StringComparer.Ordinal));
    }

    [Fact]
    public void RoomsImportOnlyWhatTheTableAllows()
    {
        var violations = Imports()
            .Where(i => !Allowed[i.Room].Contains(i.Imported))
            .Select(i => $"{i.Path}: {i.Room} imports {i.Imported}")
            .ToList();

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void TheTableAllowsNothingUnused()
    {
        var used = Imports().Select(i => (i.Room, i.Imported)).ToHashSet();
        var unused = Allowed.SelectMany(a => a.Value.Select(i => (Room: a.Key, Imported: i))).Where(p => !used.Contains(p)).ToList();

        Assert.True(unused.Count == 0, string.Join(", ", unused.Select(u => $"{u.Room} → {u.Imported}")));
    }

    [Fact]
    public void HealthAndTelemetryDoNotReachBackIntoThePipelineOrState()
    {
        var back = Imports().Where(i => i.Room is "Health" or "Telemetry" && i.Imported is "Pipeline" or "State").ToList();

        Assert.Empty(back);
    }

    [GeneratedRegex(@"^namespace Breakwater\.(?<room>[A-Za-z]+)", RegexOptions.Multiline)]
    private static partial Regex NamespacePattern();

    [GeneratedRegex(@"^using Breakwater\.(?<room>[A-Za-z]+)", RegexOptions.Multiline)]
    private static partial Regex UsingPattern();

    [GeneratedRegex(@"(?<![\w.])(?<full>Breakwater\.)?(?<room>[A-Z][A-Za-z]+)\.(?<type>[A-Z]\w*)")]
    private static partial Regex QualifiedPattern();

    [GeneratedRegex(@"^\s*(?:(?:public|internal|private|protected|sealed|static|abstract|readonly|partial|file|ref)\s+)*(?:class|struct|enum|interface|record(?:\s+struct|\s+class)?)\s+(?<name>[A-Z]\w*)", RegexOptions.Multiline)]
    private static partial Regex TypePattern();
}
