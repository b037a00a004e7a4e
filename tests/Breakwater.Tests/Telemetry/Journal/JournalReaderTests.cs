using Breakwater.Classification;
using Breakwater.Status;
using Breakwater.Telemetry;
using Breakwater.Telemetry.Journal;

namespace Breakwater.Tests.Telemetry.Journal;

public class JournalReaderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 14, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ReadSince_MissingFile_IsEmptyAndCreatesNothing()
    {
        var path = Path.Combine(Path.GetTempPath(), "bw-journal-tests", Guid.NewGuid().ToString("N"), "none.db");

        var records = new JournalReader(path).ReadSince(T0);

        Assert.Empty(records);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task ReadSince_FiltersByTimeOldestFirst()
    {
        var path = JournalTestData.TempPath();
        await using (var journal = new SqliteIncidentJournal(new JournalOptions { Path = path }, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(T0)))
        {
            journal.Record(JournalTestData.Record(T0.AddMinutes(2), "req_c"));
            journal.Record(JournalTestData.Record(T0.AddMinutes(-10), "req_a"));
            journal.Record(JournalTestData.Record(T0.AddMinutes(1), "req_b"));
        }

        var records = new JournalReader(path).ReadSince(T0);

        Assert.Equal(["req_b", "req_c"], records.Select(r => r.RequestId));
    }

    [Fact]
    public void ReadSince_NotASqliteFile_Throws()
    {
        var path = JournalTestData.TempPath();
        File.WriteAllText(path, "this is not a database, just text long enough to be read as a header........................................");

        Assert.ThrowsAny<Exception>(() => new JournalReader(path).ReadSince(T0));
    }

    [Fact]
    public void GroupEpisodes_GapLongerThanFiveMinutes_StartsNewEpisode()
    {
        var records = new[]
        {
            JournalTestData.Record(T0, "req_1"),
            JournalTestData.Record(T0.AddMinutes(4), "req_2", model: "claude-opus-4-1"),
            JournalTestData.Record(T0.AddMinutes(8), "req_2"),
            JournalTestData.Record(T0.AddMinutes(20), "req_3", FailureKind.RateLimited, status: 429, decision: AttemptDecision.GaveUp),
        };

        var episodes = JournalReader.GroupEpisodes(records.Reverse());

        Assert.Equal(2, episodes.Count);
        var first = episodes[0];
        Assert.Equal(T0, first.First);
        Assert.Equal(T0.AddMinutes(8), first.Last);
        Assert.Equal(3, first.Count);
        Assert.Equal(3, first.CountsByKind[FailureKind.Overloaded]);
        Assert.Equal(2, first.CountsByModel["claude-sonnet-4-5"]);
        Assert.Equal(1, first.CountsByModel["claude-opus-4-1"]);
        Assert.Equal(["req_1", "req_2"], first.RequestIds);
        Assert.Equal(3, first.CountsByStatus[529]);
        var second = episodes[1];
        Assert.Equal(1, second.CountsByKind[FailureKind.RateLimited]);
        Assert.Equal(1, second.GaveUp);
    }

    [Fact]
    public void GroupEpisodes_NoRecords_NoEpisodes() => Assert.Empty(JournalReader.GroupEpisodes([]));

    [Fact]
    public void GroupEpisodes_IncidentPostedAfterErrorsBegan_IsMatched()
    {
        var incident = new StatusIncident { Id = "old1", Name = "Elevated 529 errors", CreatedAt = T0.AddMinutes(12), ResolvedAt = T0.AddHours(1) };
        var records = new[] { JournalTestData.Record(T0, "req_1"), JournalTestData.Record(T0.AddMinutes(3), "req_2") };

        var episode = Assert.Single(JournalReader.GroupEpisodes(records, [incident]));

        Assert.Same(incident, episode.Incident);
    }

    [Fact]
    public void GroupEpisodes_IncidentResolvedBeforeOrLongAfter_IsNotMatched()
    {
        var before = new StatusIncident { Id = "b", CreatedAt = T0.AddHours(-3), ResolvedAt = T0.AddHours(-2) };
        var after = new StatusIncident { Id = "a", CreatedAt = T0.AddHours(2) };
        var records = new[] { JournalTestData.Record(T0, "req_1") };

        var episode = Assert.Single(JournalReader.GroupEpisodes(records, [before, after]));

        Assert.Null(episode.Incident);
    }

    [Fact]
    public void GroupEpisodes_SeveralOverlapping_PicksTheOneStartingClosest()
    {
        var longRunning = new StatusIncident { Id = "long", CreatedAt = T0.AddDays(-1) };
        var close = new StatusIncident { Id = "close", CreatedAt = T0.AddMinutes(5) };
        var records = new[] { JournalTestData.Record(T0, "req_1"), JournalTestData.Record(T0.AddMinutes(2), "req_2") };

        var episode = Assert.Single(JournalReader.GroupEpisodes(records, [longRunning, close]));

        Assert.Equal("close", episode.Incident?.Id);
    }
}
