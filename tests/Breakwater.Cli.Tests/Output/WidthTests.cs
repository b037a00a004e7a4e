using Breakwater.Classification;
using Breakwater.Cli.Commands;
using Breakwater.Cli.Doctor;
using Breakwater.Cli.Terminal;
using Breakwater.Simulator.Benchmark;
using Breakwater.Status;
using Breakwater.Telemetry.Journal;
using Spectre.Console;
using Spectre.Console.Testing;

namespace Breakwater.Cli.Tests.Output;

/// <summary>What a person sees at 80 and 120 columns: identifiers, links and commands on one line, headers whole.</summary>
public sealed class WidthTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 14, 0, 0, TimeSpan.Zero);

    private static readonly string[] RequestIds =
        [.. Enumerable.Range(0, 10).Select(i => $"req_011CVq8Zx3nP4rT6yW9bK2m{i:D2}")];

    private const string Link = "https://stspg.io/9f6s1gxl7kq2";

    private static TestConsole Console(int width)
    {
        var console = new TestConsole();
        console.Profile.Width = width;
        return console;
    }

    private static IncidentsReport Incidents() => new(
        "/home/user/.breakwater/journal.db",
        T0.AddHours(-24),
        T0,
        [
            new JournalEpisode
            {
                First = T0.AddMinutes(-30),
                Last = T0.AddMinutes(-12),
                Count = 412,
                GaveUp = 3,
                CountsByKind = new Dictionary<FailureKind, int> { [FailureKind.Overloaded] = 400, [FailureKind.RateLimited] = 12 },
                CountsByModel = new Dictionary<string, int> { ["claude-opus-4-5-20251101"] = 380, ["claude-sonnet-4-5"] = 32 },
                CountsByStatus = new Dictionary<int, int> { [529] = 400, [429] = 12 },
                RequestIds = RequestIds,
                Incident = new StatusIncident { Name = "Elevated errors on Claude Opus 4.5 for some users of the API", StatusText = "Investigating", Shortlink = Link },
            },
        ],
        StatusChecked: true,
        StatusKnown: true,
        StatusError: null);

    private static void AssertWhole(string output, string value) =>
        Assert.Contains(output.Split('\n'), l => l.Contains(value, StringComparison.Ordinal));

    [Theory]
    [InlineData(120)]
    [InlineData(80)]
    public void Incidents_AnyWidth_RequestIdsAndLinkStayWholeOnOneLine(int width)
    {
        using var console = Console(width);

        IncidentsRenderer.WriteTable(console, Incidents());

        var output = console.Output;
        foreach (var id in RequestIds.Take(8))
        {
            AssertWhole(output, id);
        }

        AssertWhole(output, Link);
        AssertWhole(output, "claude-opus-4-5-20251101=380");
        Assert.DoesNotContain("…", output, StringComparison.Ordinal);
        Assert.All(output.Split('\n').Where(l => l.Contains('│', StringComparison.Ordinal)), l => Assert.True(l.TrimEnd().Length <= width, l));
    }

    [Fact]
    public void Incidents_120Columns_IsATableWithWholeHeaders()
    {
        using var console = Console(120);

        IncidentsRenderer.WriteTable(console, Incidents());

        var output = console.Output;
        Assert.Contains("request_ids", output, StringComparison.Ordinal);
        foreach (var word in new[] { "Episode", "(UTC)", "Failures", "kind", "model", "Status-page", "incident" })
        {
            Assert.Contains(word, output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("…", output, StringComparison.Ordinal);
        Assert.Contains("│", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Incidents_TooNarrowForTheTable_OneEpisodeAtATime()
    {
        using var console = Console(60);

        IncidentsRenderer.WriteTable(console, Incidents());

        var output = console.Output;
        Assert.DoesNotContain("│", output, StringComparison.Ordinal);
        Assert.Contains("  request_ids: " + string.Join(' ', RequestIds.Take(8)), output, StringComparison.Ordinal);
        Assert.Contains("  incident: Elevated errors on Claude Opus 4.5 for some users of the API (Investigating) " + Link, output, StringComparison.Ordinal);
    }

    private static BenchmarkReport Bench()
    {
        string[] scenarios = ["steady", "flash-storm", "long-incident", "opus-outage", "rate-limited", "midstream-overload", "metastable", "masked-gateway"];
        string[] policies = [BenchPolicies.None, "sdk-default", "naive-529", "polly-standard", BenchPolicies.Breakwater];
        return new BenchmarkReport(1, [new ModeResult(BenchMode.Clients, [.. scenarios.Select((s, si) => new ScenarioResult(s, 11890 + si, [.. policies.Select((p, pi) => new PolicyResult
        {
            Policy = p,
            Requests = 12000 + si,
            Succeeded = 10000 + (pi * 100),
            SuccessRate = 0.833 + (pi * 0.01),
            GoodputFraction = 0.841 + (pi * 0.01),
            Amplification = 1 + pi,
            PeakAmplification = 1.25 * (pi + 1),
            P50Ms = 2100,
            P99Ms = 123_400,
            RecoverySeconds = si == 0 ? null : 312,
            FallbackShare = 0.038,
            EarlyRetries = 3129,
            Truncated = 0,
        })]))])]);
    }

    [Fact]
    public void Bench_120Columns_FitsWithEveryHeaderWhole()
    {
        using var console = Console(120);

        BenchTable.Write(console, Bench());

        var output = console.Output;
        var lines = output.Split('\n');
        Assert.All(lines, l => Assert.True(l.TrimEnd().Length <= 120, l));
        Assert.DoesNotContain("…", output, StringComparison.Ordinal);
        var headerLines = string.Join('\n', lines.Take(4));
        foreach (var word in BenchmarkText.Headers.Skip(1).SelectMany(h => h.Split(' ')))
        {
            Assert.Contains(word, headerLines, StringComparison.Ordinal);
        }

        foreach (var name in new[] { "midstream-overload", "polly-standard", "breakwater", "123.4" })
        {
            AssertWhole(output, name);
        }

        Assert.DoesNotContain(lines, l => l.TrimEnd().EndsWith("breakw", StringComparison.Ordinal));
    }

    [Fact]
    public void Bench_80Columns_OneRecordPerLine()
    {
        using var console = Console(80);

        BenchTable.Write(console, Bench());

        var lines = console.Output.Split('\n');
        var row = Assert.Single(lines, l => l.StartsWith("midstream-overload, policy polly-standard,", StringComparison.Ordinal));
        foreach (var header in BenchmarkText.Headers.Skip(1))
        {
            Assert.Contains(header + " ", row, StringComparison.Ordinal);
        }

        Assert.Equal(40, lines.Count(l => l.Contains(", policy ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Redirected_UsesTheFullLine()
    {
        using var writer = new StringWriter();
        var console = CliConsoles.Create(writer, redirected: true);
        var line = "Point an SDK at it:   ANTHROPIC_BASE_URL=http://127.0.0.1:8530  (any API key works) " + string.Join(' ', RequestIds);

        console.MarkupLine(line);

        Assert.Equal(CliConsoles.RedirectedWidth, console.Profile.Width);
        Assert.Equal(line, writer.ToString().TrimEnd('\n', '\r'));
    }

    [Theory]
    [InlineData(80)]
    [InlineData(30)]
    public void Unwrapped_NarrowConsole_CommandStaysOnOneLine(int width)
    {
        using var console = Console(width);
        const string Command = "  export ANTHROPIC_BASE_URL=http://127.0.0.1:8529/some/long/prefix/for/the/upstream";

        console.MarkupLineUnwrapped(Command);

        Assert.Equal(Command, console.Output.TrimEnd('\n', '\r'));
    }
}
