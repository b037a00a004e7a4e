using System.Text.RegularExpressions;

namespace Breakwater.Tests.Integration;

/// <summary>
/// The docs stand on their own: they cite no issue of this project's tracker and no section of a file the repository
/// does not have, and every relative link points at a file that exists.
/// </summary>
public sealed partial class DocsTests
{
    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Breakwater.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new Xunit.Sdk.XunitException("Breakwater.slnx not found above " + AppContext.BaseDirectory);
    }

    /// <summary>README.md, docs/*.md, the packages' READMEs, the scenario files (their descriptions are printed) and the Dockerfile.</summary>
    private static IEnumerable<string> Documents()
    {
        var root = RepoRoot();
        yield return Path.Combine(root, "README.md");
        yield return Path.Combine(root, "Dockerfile");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md"))
        {
            yield return file;
        }

        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "src"), "README.md", SearchOption.AllDirectories))
        {
            yield return file;
        }

        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "src", "Breakwater.Simulator", "Scenarios"), "*.json"))
        {
            yield return file;
        }
    }

    // "issue 7", "issues 3/5", "issue #12": this project's tracker, which a reader of the repository does not have. Another
    // project's issues, named with its owner/repo ("Portkey-AI/gateway issues 1389/1550"), are public and allowed.
    [GeneratedRegex(@"(?<![\w.-]+/[\w.-]+ )\bissues? #?\d+", RegexOptions.IgnoreCase)]
    private static partial Regex IssueCitation();

    [GeneratedRegex(@"BENCHMARKS\.md|§", RegexOptions.None)]
    private static partial Regex MissingFileSection();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [Fact]
    public void Docs_CiteNoTrackerIssueAndNoMissingFile()
    {
        var problems = new List<string>();
        foreach (var file in Documents())
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (var regex in new[] { IssueCitation(), MissingFileSection() })
                {
                    if (regex.Match(lines[i]) is { Success: true } m)
                    {
                        problems.Add($"{Path.GetRelativePath(RepoRoot(), file)}:{i + 1}: \"{m.Value}\"");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Docs_RelativeLinks_PointAtFilesThatExist()
    {
        var problems = new List<string>();
        foreach (var file in Documents().Where(f => f.EndsWith(".md", StringComparison.Ordinal)))
        {
            foreach (Match m in MarkdownLink().Matches(File.ReadAllText(file)))
            {
                var target = m.Groups["target"].Value;
                if (target.StartsWith('#') || target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }

                var path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, target.Split('#')[0]));
                if (!File.Exists(path) && !Directory.Exists(path))
                {
                    problems.Add($"{Path.GetRelativePath(RepoRoot(), file)}: ({target})");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void IssueCitation_FlagsThisTrackersIssues_NotAnotherProjects()
    {
        Assert.Matches(IssueCitation(), "as decided in issue 7");
        Assert.Matches(IssueCitation(), "(issues 3 / 5)");
        Assert.Matches(IssueCitation(), "see Issue #12");
        Assert.DoesNotMatch(IssueCitation(), "Portkey-AI/gateway issues 1389/1550");
        Assert.DoesNotMatch(IssueCitation(), "no issue at all");
    }
}
