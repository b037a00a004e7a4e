using System.Diagnostics;
using System.Text;
using Breakwater.Anthropic;
using Breakwater.Classification;
using Breakwater.Telemetry;
using Breakwater.Telemetry.Journal;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Breakwater.Tests.Telemetry.Journal;

public sealed class SqliteIncidentJournalTests : IDisposable
{
    private readonly string _path = JournalTestData.TempPath();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private SqliteIncidentJournal CreateSut(int maxRows = 100_000, int queueCapacity = 10_000) =>
        new(new JournalOptions { Path = _path, MaxRows = maxRows, QueueCapacity = queueCapacity }, _time);

    private IReadOnlyList<AttemptRecord> ReadAll() => new JournalReader(_path).ReadSince(DateTimeOffset.MinValue.AddYears(1));

    [Fact]
    public async Task Record_ThenDispose_RoundTripsEveryField()
    {
        var snapshot = new RateLimitSnapshot
        {
            Windows = new Dictionary<string, RateLimitWindow>
            {
                ["requests"] = new(4000, 3987, new DateTimeOffset(2026, 3, 2, 9, 1, 0, TimeSpan.Zero)),
                ["input-tokens"] = new(400_000, 398_420, null),
            },
        };
        var record = JournalTestData.Record(_time.GetUtcNow(), "req_011CabcDEF", rateLimits: snapshot) with { FallbackModel = "claude-haiku-4-5", Attempt = 3 };

        await using (var sut = CreateSut())
        {
            sut.Record(record);
        }

        var read = Assert.Single(ReadAll());
        Assert.Equal(record.Timestamp, read.Timestamp);
        Assert.Equal("req_011CabcDEF", read.RequestId);
        Assert.Equal(FailureKind.Overloaded, read.Kind);
        Assert.Equal(529, read.StatusCode);
        Assert.Equal("overloaded_error", read.ErrorType);
        Assert.Equal(AttemptDecision.Retried, read.Decision);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), read.Delay);
        Assert.Equal("claude-haiku-4-5", read.FallbackModel);
        Assert.Equal(3, read.Attempt);
        Assert.Equal(3987, read.RateLimits?.Requests?.Remaining);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 9, 1, 0, TimeSpan.Zero), read.RateLimits?.Requests?.Reset);
        Assert.Equal(400_000, read.RateLimits?.InputTokens?.Limit);
        Assert.Equal(RateLimitReading.AmpleQuota, read.RateLimits?.Reading);
    }

    [Fact]
    public async Task Record_EightThreadsTimesFiveHundred_AllPresent()
    {
        await using (var sut = CreateSut())
        {
            var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
            {
                for (var i = 0; i < 500; i++)
                {
                    sut.Record(JournalTestData.Record(_time.GetUtcNow().AddMilliseconds(i), $"req_{t}_{i}"));
                }
            })).ToList();
            threads.ForEach(th => th.Start());
            threads.ForEach(th => th.Join());
            await sut.FlushAsync();

            Assert.Equal(0, sut.DroppedCount);
            Assert.Equal(4000, sut.WrittenCount);
        }

        var ids = ReadAll().Select(r => r.RequestId).ToHashSet();
        Assert.Equal(4000, ids.Count);
        Assert.Contains("req_7_499", ids);
    }

    [Fact]
    public async Task Record_OlderThanMaxAge_PrunedAtNextInterval()
    {
        await using (var sut = CreateSut())
        {
            sut.Record(JournalTestData.Record(_time.GetUtcNow(), "req_old"));
            await sut.FlushAsync();
            _time.Advance(TimeSpan.FromDays(8));
            sut.Record(JournalTestData.Record(_time.GetUtcNow(), "req_new"));
            await sut.FlushAsync();
        }

        Assert.Equal(["req_new"], ReadAll().Select(r => r.RequestId));
    }

    [Fact]
    public async Task Record_WithinMaxAge_Kept()
    {
        await using (var sut = CreateSut())
        {
            sut.Record(JournalTestData.Record(_time.GetUtcNow(), "req_a"));
            await sut.FlushAsync();
            _time.Advance(TimeSpan.FromDays(6));
            sut.Record(JournalTestData.Record(_time.GetUtcNow(), "req_b"));
        }

        Assert.Equal(2, ReadAll().Count);
    }

    [Fact]
    public async Task Record_MoreThanMaxRows_KeepsTheNewest()
    {
        await using (var sut = CreateSut(maxRows: 10))
        {
            for (var i = 0; i < 25; i++)
            {
                sut.Record(JournalTestData.Record(_time.GetUtcNow().AddSeconds(i), $"req_{i:D2}"));
            }

            await sut.PruneNowAsync();
        }

        var ids = ReadAll().Select(r => r.RequestId).ToList();
        Assert.Equal(10, ids.Count);
        Assert.Equal("req_15", ids[0]);
        Assert.Equal("req_24", ids[^1]);
    }

    [Fact]
    public async Task Dispose_WithQueuedRecords_FlushesThemAll()
    {
        var sut = CreateSut();
        for (var i = 0; i < 2000; i++)
        {
            sut.Record(JournalTestData.Record(_time.GetUtcNow(), $"req_{i}"));
        }

        sut.Dispose();

        Assert.Equal(2000, ReadAll().Count);
        Assert.Equal(2000, sut.WrittenCount);
        await Task.CompletedTask;
    }

    [Fact]
    public void Record_AfterDispose_DropsAndCountsWithoutThrowing()
    {
        var sut = CreateSut();
        sut.Dispose();

        sut.Record(JournalTestData.Record(_time.GetUtcNow(), "req_late"));

        Assert.Equal(1, sut.DroppedCount);
    }

    [Fact]
    public async Task Record_QueueFullWhileWriterIsBlocked_DropsAndNeverBlocks()
    {
        var sut = CreateSut(queueCapacity: 16);
        sut.Record(JournalTestData.Record(_time.GetUtcNow(), "req_first"));
        await sut.FlushAsync();

        // Hold the write lock so the background writer stalls on its next batch.
        using (var blocker = new SqliteConnection($"Data Source={_path};Pooling=False"))
        {
            blocker.Open();
            using (var begin = blocker.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE;";
                begin.ExecuteNonQuery();
            }

            for (var i = 0; i < 100; i++)
            {
                sut.Record(JournalTestData.Record(_time.GetUtcNow(), $"req_{i}"));
            }

            Assert.True(sut.DroppedCount >= 100 - 32, $"dropped {sut.DroppedCount}");
            using var rollback = blocker.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            rollback.ExecuteNonQuery();
        }

        await sut.DisposeAsync();
        Assert.Equal(101, sut.WrittenCount + sut.DroppedCount);
        Assert.Equal(sut.WrittenCount, ReadAll().Count);
    }

    [Fact]
    public async Task Record_MessageWithKeyLikeText_NeverStoresTheKey()
    {
        const string key = "sk-ant-api03-AbCdEf0123456789_xyzXYZ-secretsecret";
        await using (var sut = CreateSut())
        {
            sut.Record(JournalTestData.Record(_time.GetUtcNow(), "req_k", message: $"invalid x-api-key {key}; Authorization: Bearer abcdefghijklmnop"));
        }

        var read = Assert.Single(ReadAll());
        Assert.DoesNotContain("sk-ant-api03", read.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("abcdefghijklmnop", read.Message, StringComparison.Ordinal);
        Assert.Contains("[redacted]", read.Message, StringComparison.Ordinal);
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_path)!))
        {
            var text = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file));
            Assert.DoesNotContain("sk-ant-api03", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Record_UnwritablePath_DropsAndNeverThrows()
    {
        var blockingFile = Path.Combine(Path.GetDirectoryName(_path)!, "not-a-dir");
        File.WriteAllText(blockingFile, "x");
        var sut = new SqliteIncidentJournal(new JournalOptions { Path = Path.Combine(blockingFile, "journal.db") }, _time);

        sut.Record(JournalTestData.Record(_time.GetUtcNow(), "req_x"));
        sut.Dispose();

        Assert.Equal(1, sut.DroppedCount);
        Assert.Equal(0, sut.WrittenCount);
    }

    [Fact]
    public async Task Journal_ChildProcessKilledMidWrite_LeavesReadableFile()
    {
        var assembly = typeof(JournalChildProcess).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", [assembly])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment[JournalChildProcess.PathVariable] = _path;
        using var child = Process.Start(start)!;
        var errors = new StringBuilder();
        child.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        child.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var confirmed = 0;
        try
        {
            // Wait (bounded) until the child has committed a few thousand records, then kill it while it keeps writing.
            while (confirmed < 2000)
            {
                var line = await child.StandardOutput.ReadLineAsync(timeout.Token);
                Assert.True(line is not null, "child exited early: " + errors);
                confirmed = int.Parse(line, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        finally
        {
            child.Kill(entireProcessTree: true);
            using var exitTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await child.WaitForExitAsync(exitTimeout.Token);
        }

        var records = ReadAll();
        Assert.True(records.Count >= confirmed, $"read {records.Count}, child had confirmed {confirmed}");
        Assert.Equal("req_child_0000000", records[0].RequestId);
        using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        connection.Open();
        using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check;";
        Assert.Equal("ok", check.ExecuteScalar());
    }
}
