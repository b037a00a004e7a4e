using System.Diagnostics;
using Breakwater.Tests.TestKit;

namespace Breakwater.Tests.Integration;

/// <summary>
/// The README's C# samples are the compiled sample programs, line for line (so each compiles as shown), the package's
/// README carries the same first sample, and the first sample, run against a storm, prints what Breakwater did.
/// </summary>
public sealed class SampleTests
{
    private const string Fence = "```csharp";

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

    /// <summary>Every <c>```csharp</c> block of a markdown file, in order, as lines (the same extraction .ci/package-check does).</summary>
    private static List<string[]> CSharpBlocks(string path)
    {
        var blocks = new List<string[]>();
        List<string>? current = null;
        foreach (var line in Lines(path))
        {
            if (current is null)
            {
                if (line == Fence)
                {
                    current = [];
                }
            }
            else if (line == "```")
            {
                blocks.Add([.. current]);
                current = null;
            }
            else
            {
                current.Add(line);
            }
        }

        Assert.True(current is null, $"an unclosed {Fence} block in {path}");
        return blocks;
    }

    private static string Sample(string project) => Path.Combine(RepoRoot(), "samples", project, "Program.cs");

    [Fact]
    public void Readme_EveryCSharpBlock_IsACompiledSample_LineForLine()
    {
        var blocks = CSharpBlocks(Path.Combine(RepoRoot(), "README.md"));

        Assert.Equal(2, blocks.Count);
        Assert.Equal(Lines(Sample("Breakwater.Sample")), blocks[0]);
        Assert.Equal(Lines(Sample("Breakwater.Sample.Configured")), blocks[1]);
    }

    [Fact]
    public void PackageReadme_FirstCSharpBlock_IsTheCompiledSample()
    {
        var blocks = CSharpBlocks(Path.Combine(RepoRoot(), "src", "Breakwater", "README.md"));

        Assert.NotEmpty(blocks);
        Assert.Equal(Lines(Sample("Breakwater.Sample")), blocks[0]);
    }

    [Fact]
    public void FirstSample_IsShort_LeavesRetriesToBreakwater_AndPrintsItsHeaders()
    {
        var program = Lines(Sample("Breakwater.Sample"));

        Assert.InRange(program.Length, 1, 20);
        Assert.Contains(program, l => l.Contains("MaxRetries = 0", StringComparison.Ordinal));
        Assert.Contains(program, l => l.Contains("new BreakwaterHandler(", StringComparison.Ordinal));
        Assert.Contains(program, l => l.Contains("BreakwaterHeaders.Prefix", StringComparison.Ordinal));
    }

    [Fact]
    public void SecondSample_UsesItsOptions_AndTurnsTheJournalOn()
    {
        var program = string.Join('\n', Lines(Sample("Breakwater.Sample.Configured")));

        Assert.Contains("new BreakwaterHandler(options", program, StringComparison.Ordinal);
        Assert.Contains("new SqliteIncidentJournal()", program, StringComparison.Ordinal);
        Assert.Contains("services.AddBreakwaterJournal()", program, StringComparison.Ordinal);
        Assert.Contains("var services = new ServiceCollection();", program, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstSample_RunAgainstA529_PrintsTheAttemptsAndEveryRequestId()
    {
        // The sample as built (Breakwater.Tests references it for the build order only), run as a user runs it:
        // ANTHROPIC_BASE_URL and ANTHROPIC_API_KEY from the environment. One 529, then the answer.
        await using var server = await FakeAnthropicServer.StartAsync((n, context) => n == 0
            ? FakeAnthropicServer.Error(context, 529, "overloaded_error", "req_sample_storm")
            : FakeAnthropicServer.Message(context, "req_sample_ok"));
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var sampleDll = Path.Combine(RepoRoot(), "samples", "Breakwater.Sample", "bin", testBin.Parent!.Name, testBin.Name, "Breakwater.Sample.dll");
        Assert.True(File.Exists(sampleDll), "the sample is not built at " + sampleDll);

        var start = new ProcessStartInfo("dotnet", [sampleDll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ANTHROPIC_BASE_URL"] = server.BaseUrl.ToString().TrimEnd('/');
        start.Environment["ANTHROPIC_API_KEY"] = Api.Key;
        start.Environment.Remove("ANTHROPIC_AUTH_TOKEN");
        using var child = Process.Start(start)!;
        var stderr = child.StandardError.ReadToEndAsync();
        var stdout = await child.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
        using (var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await child.WaitForExitAsync(exit.Token);
        }

        var output = stdout + await stderr;
        Assert.True(child.ExitCode == 0, "the sample failed: " + output);
        var lines = stdout.ReplaceLineEndings("\n").Split('\n');
        Assert.Equal("Hello!", lines[0]);
        Assert.Contains("breakwater-attempts: 2", lines);
        Assert.Contains("breakwater-request-ids: req_sample_storm,req_sample_ok", lines);
        Assert.Contains("breakwater-model: claude-sonnet-4-6", lines);
        Assert.DoesNotContain(Api.Key, output, StringComparison.Ordinal);
        Assert.Equal(2, server.Requests.Count);
    }
}
