using System.Text.Json.Nodes;
using Breakwater.Classification;
using Breakwater.Cli.Commands;
using Breakwater.Cli.Doctor;
using Breakwater.Cli.Tests.Doctor;
using Breakwater.Telemetry;
using Breakwater.Telemetry.Journal;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console.Cli;

namespace Breakwater.Cli.Tests.Incidents;

public sealed class IncidentsCommandTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);
    private readonly string _journal = Path.Combine(Path.GetTempPath(), "bw-incidents-tests", Guid.NewGuid().ToString("N"), "journal.db");
    private FakeAnthropic _status = null!;

    private const string IncidentsJson = """
        {"page": {"id": "tymt9n04zgry"}, "incidents": [
          {"id": "old1", "name": "Elevated 529 errors on Claude Sonnet", "status": "resolved", "impact": "major",
           "created_at": "2026-03-02T09:20:00Z", "resolved_at": "2026-03-02T10:00:00Z", "shortlink": "https://stspg.io/old1",
           "incident_updates": [{"status": "resolved", "body": "This incident has been resolved.", "display_at": "2026-03-02T10:00:00Z"}]}]}
        """;

    public async Task InitializeAsync()
    {
        _status = await FakeAnthropic.StartAsync();
        _status.Incidents = IncidentsJson;
        await using var journal = new SqliteIncidentJournal(new JournalOptions { Path = _journal }, _time);

        // Episode 1: 09:10-09:14, 529s on sonnet and one on opus (the incident was posted at 09:20, after errors began).
        journal.Record(Record(Now.AddHours(-2).AddMinutes(-50), "req_a1", FailureKind.Overloaded, 529, "claude-sonnet-4-5"));
        journal.Record(Record(Now.AddHours(-2).AddMinutes(-48), "req_a2", FailureKind.Overloaded, 529, "claude-sonnet-4-5"));
        journal.Record(Record(Now.AddHours(-2).AddMinutes(-46), "req_a3", FailureKind.Overloaded, 529, "claude-opus-4-1", AttemptDecision.GaveUp));
        // Episode 2: 11:30, a 429.
        journal.Record(Record(Now.AddMinutes(-30), "req_b1", FailureKind.RateLimited, 429, "claude-haiku-4-5"));
        // Outside --since 24h.
        journal.Record(Record(Now.AddDays(-2), "req_old", FailureKind.Overloaded, 529, "claude-sonnet-4-5"));
    }

    public async Task DisposeAsync()
    {
        await _status.DisposeAsync();
        try
        {
            Directory.Delete(Path.GetDirectoryName(_journal)!, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private static AttemptRecord Record(DateTimeOffset at, string id, FailureKind kind, int status, string model, AttemptDecision decision = AttemptDecision.Retried) => new()
    {
        Timestamp = at, Client = "gateway", Model = model, Attempt = 1, StatusCode = status, Kind = kind, RequestId = id, Decision = decision,
    };

    private async Task<(int Exit, string Output)> RunAsync(bool interactive = false, bool json = false, bool csv = false, bool noStatus = false, string since = "24h")
    {
        var console = new TestConsole();
        var env = new DoctorEnvironment { Time = _time, Interactive = interactive, GetEnvironmentVariable = _ => null };
        var settings = new IncidentsSettings { Since = since, Json = json, Csv = csv, NoStatus = noStatus, Journal = _journal, StatusUrl = _status.BaseUrl };
        var exit = await new IncidentsCommand(env, console.Console).ExecuteAsync(new CommandContext([], new TestRemainingArguments(), "incidents", null), settings, CancellationToken.None);
        return (exit, console.Output);
    }

    [Fact]
    public async Task ExecuteAsync_Json_EpisodesWithCountsIncidentAndRequestIds()
    {
        var (exit, output) = await RunAsync(json: true);

        Assert.Equal(0, exit);
        var episodes = JsonNode.Parse(output)!["episodes"]!.AsArray();
        Assert.Equal(2, episodes.Count);
        var first = episodes[0]!;
        Assert.Equal(3, first["failures"]!.GetValue<int>());
        Assert.Equal(1, first["gave_up"]!.GetValue<int>());
        Assert.Equal(3, first["by_kind"]!["Overloaded"]!.GetValue<int>());
        Assert.Equal(2, first["by_model"]!["claude-sonnet-4-5"]!.GetValue<int>());
        Assert.Equal("https://stspg.io/old1", first["incident"]!["link"]!.GetValue<string>());
        Assert.Equal(["req_a1", "req_a2", "req_a3"], first["request_ids"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Null(episodes[1]!["incident"]);
        Assert.DoesNotContain("req_old", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_Csv_OneRowPerEpisode()
    {
        var (_, output) = await RunAsync(csv: true);

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("first,last,failures", lines[0], StringComparison.Ordinal);
        Assert.Contains("req_a1;req_a2;req_a3", lines[1], StringComparison.Ordinal);
        Assert.Contains("Elevated 529 errors on Claude Sonnet", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_Redirected_PlainText()
    {
        var (_, output) = await RunAsync();

        Assert.Contains("Episode 1:", output, StringComparison.Ordinal);
        Assert.Contains("incident: Elevated 529 errors on Claude Sonnet (resolved) https://stspg.io/old1", output, StringComparison.Ordinal);
        Assert.Contains("request_ids: req_b1", output, StringComparison.Ordinal);
        Assert.DoesNotContain("┌", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_Interactive_Table()
    {
        var (_, output) = await RunAsync(interactive: true);

        Assert.Contains("Status-page incident", output, StringComparison.Ordinal);
        Assert.Contains("req_a3", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_NoStatus_DoesNotContactStatusPage()
    {
        var (_, output) = await RunAsync(json: true, noStatus: true);

        Assert.Equal(0, _status.StatusCalls);
        Assert.Null(JsonNode.Parse(output)!["episodes"]![0]!["incident"]);
    }

    [Fact]
    public async Task ExecuteAsync_ShortWindow_OnlyRecentEpisode()
    {
        var (_, output) = await RunAsync(json: true, since: "1h");

        Assert.Single(JsonNode.Parse(output)!["episodes"]!.AsArray());
    }

    [Fact]
    public async Task ExecuteAsync_StatusPageUnreachable_StillListsEpisodes()
    {
        await _status.DisposeAsync();
        _status = await FakeAnthropic.StartAsync();
        _status.Incidents = "<html>down</html>";

        var (exit, output) = await RunAsync(json: true);

        Assert.Equal(0, exit);
        var root = JsonNode.Parse(output)!;
        Assert.StartsWith("unknown", root["status_page"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, root["episodes"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("bogus", false, false)]
    [InlineData("24h", true, true)]
    public void Validate_BadOptions_Error(string since, bool json, bool csv) =>
        Assert.False(new IncidentsSettings { Since = since, Json = json, Csv = csv }.Validate().Successful);
}
