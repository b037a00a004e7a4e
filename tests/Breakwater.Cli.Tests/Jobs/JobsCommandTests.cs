using System.Text;
using System.Text.Json;
using Breakwater.Cli.Commands;
using Breakwater.Cli.Tests.Doctor;
using Breakwater.Deferral;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console.Cli;

namespace Breakwater.Cli.Tests.Jobs;

public sealed class JobsCommandTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 14, 0, 0, TimeSpan.Zero);
    private readonly string _db = Path.Combine(Path.GetTempPath(), "bw-jobs-cli-tests", Guid.NewGuid().ToString("N"), "jobs.db");

    private async Task<string> Seed()
    {
        using var store = new SqliteDeferredJobStore(_db, new FakeTimeProvider(T0));
        var request = new DeferredRequest("POST", "/v1/messages", [new("x-api-key", "sk-ant-secret")], Encoding.UTF8.GetBytes("{}"));
        var a = (await store.EnqueueAsync("key_a", null, "claude-sonnet-4-5", request, T0.AddHours(2))).Job.Id;
        var b = (await store.EnqueueAsync("key_a", null, "claude-sonnet-4-5", request, T0.AddHours(2))).Job.Id;
        await store.TryStartAsync(b);
        await store.CompleteAsync(b, DeferredJobState.Succeeded, new DeferredResponse(200, [], Encoding.UTF8.GetBytes("{}")));
        return a;
    }

    private static async Task<(int Exit, string Output)> RunAsync(JobsSettings settings)
    {
        var console = new TestConsole();
        var exit = await new JobsCommand(console.Console).ExecuteAsync(new CommandContext([], new TestRemainingArguments(), "jobs", null), settings, CancellationToken.None);
        return (exit, console.Output);
    }

    [Fact]
    public async Task ExecuteAsync_JsonWithState_ListsOnlyThatStateAndCounts()
    {
        var queued = await Seed();

        var (exit, output) = await RunAsync(new JobsSettings { Db = _db, Json = true, State = "queued" });
        var root = JsonDocument.Parse(output).RootElement;

        Assert.Equal(0, exit);
        Assert.Equal(1, root.GetProperty("counts").GetProperty("queued").GetInt32());
        Assert.Equal(1, root.GetProperty("counts").GetProperty("succeeded").GetInt32());
        var job = Assert.Single(root.GetProperty("jobs").EnumerateArray());
        Assert.Equal(queued, job.GetProperty("id").GetString());
        Assert.Equal("queued", job.GetProperty("state").GetString());
        Assert.DoesNotContain("sk-ant-secret", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_Plain_ShowsCountsAndEveryJob()
    {
        await Seed();

        var (exit, output) = await RunAsync(new JobsSettings { Db = _db });

        Assert.Equal(0, exit);
        Assert.Contains("queued 1", output, StringComparison.Ordinal);
        Assert.Contains("succeeded 1", output, StringComparison.Ordinal);
        Assert.Equal(2, output.Split('\n').Count(l => l.TrimStart().StartsWith("job_", StringComparison.Ordinal)));
        var header = Assert.Single(output.Split('\n'), l => l.Contains(" id ", StringComparison.Ordinal));
        foreach (var column in new[] { "state", "model", "attempts", "created (UTC)", "deadline (UTC)", "status", "last error" })
        {
            Assert.Contains(column, header, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ExecuteAsync_TooNarrowForTheTable_OneLabelledLinePerJob()
    {
        var queued = await Seed();
        var console = new TestConsole();
        console.Console.Profile.Width = 40;

        var exit = await new JobsCommand(console.Console).ExecuteAsync(new CommandContext([], new TestRemainingArguments(), "jobs", null), new JobsSettings { Db = _db }, CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.Contains(console.Output.Split('\n'), l => l.StartsWith($"id: {queued}  state: queued  model: claude-sonnet-4-5  attempts: 0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExecuteAsync_MissingDatabase_SaysNothingDeferredAndCreatesNothing()
    {
        var (exit, output) = await RunAsync(new JobsSettings { Db = _db });

        Assert.Equal(0, exit);
        Assert.Contains("nothing was ever deferred", output, StringComparison.Ordinal);
        Assert.False(File.Exists(_db));
    }

    [Fact]
    public void Validate_UnknownState_IsError()
    {
        Assert.False(new JobsSettings { State = "done" }.Validate().Successful);
        Assert.True(new JobsSettings { State = "Expired" }.Validate().Successful);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path.GetDirectoryName(_db)!, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
