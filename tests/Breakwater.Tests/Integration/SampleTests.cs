namespace Breakwater.Tests.Integration;

/// <summary>The README sample is the compiled sample program, line for line, and stays short.</summary>
public sealed class SampleTests
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

    private static string[] Lines(string path) => File.ReadAllText(path).ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

    [Fact]
    public void ReadmeSnippet_SameLinesAsTheCompiledSample_AtMost15()
    {
        var dir = Path.Combine(RepoRoot(), "samples", "Breakwater.Sample");
        var program = Lines(Path.Combine(dir, "Program.cs"));
        var snippet = Lines(Path.Combine(dir, "README-snippet.md"));

        Assert.Equal("```csharp", snippet[0]);
        Assert.Equal("```", snippet[^1]);
        Assert.Equal(program, snippet[1..^1]);
        Assert.InRange(program.Length, 1, 15);
        Assert.Contains(program, l => l.Contains("MaxRetries = 0", StringComparison.Ordinal));
        Assert.Contains(program, l => l.Contains("new BreakwaterHandler(", StringComparison.Ordinal));
    }
}
