using System.Text;
using Breakwater.Deferral;
using Microsoft.Extensions.Time.Testing;

namespace Breakwater.Tests.Deferral;

public sealed class SqliteDeferredJobStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 14, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bw-defer-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(T0);
    private readonly List<SqliteDeferredJobStore> _stores = [];

    private string DbPath => Path.Combine(_dir, "jobs.db");

    private SqliteDeferredJobStore CreateSut()
    {
        var store = new SqliteDeferredJobStore(DbPath, _time);
        _stores.Add(store);
        return store;
    }

    internal static DeferredRequest Request(string body = """{"model":"m","max_tokens":1,"messages":[]}""") =>
        new("POST", "/v1/messages?beta=true",
            [new("content-type", "application/json"), new("x-api-key", "sk-secret"), new("Authorization", "Bearer sk-secret"), new("anthropic-version", "2023-06-01")],
            Encoding.UTF8.GetBytes(body));

    private static DeferredResponse Response(int status, string body) =>
        new(status, [new("content-type", "application/json"), new("request-id", "req_1")], Encoding.UTF8.GetBytes(body));

    [Fact]
    public async Task EnqueueAsync_NewJob_IsQueuedDurableAndWithoutCredentials()
    {
        var sut = CreateSut();

        var result = await sut.EnqueueAsync("key_a", null, "m", Request(), T0.AddHours(2));
        sut.Dispose();
        var reopened = CreateSut();
        var job = await reopened.GetAsync("key_a", result.Job.Id);

        Assert.True(result.Created);
        Assert.NotNull(job);
        Assert.Equal(DeferredJobState.Queued, job.State);
        Assert.Equal(T0, job.CreatedAt);
        Assert.Equal(T0.AddHours(2), job.Deadline);
        Assert.Equal("/v1/messages?beta=true", job.Request.PathAndQuery);
        Assert.Equal(Request().Body.ToArray(), job.Request.Body.ToArray());
        Assert.DoesNotContain(job.Request.Headers, h => h.Value.Contains("sk-secret", StringComparison.Ordinal));
        Assert.Contains(job.Request.Headers, h => h.Name == "anthropic-version" && h.Value == "2023-06-01");
        Assert.DoesNotContain("sk-secret", Encoding.UTF8.GetString(File.ReadAllBytes(DbPath)) + ReadWal(), StringComparison.Ordinal);
    }

    private string ReadWal()
    {
        var wal = DbPath + "-wal";
        if (!File.Exists(wal))
        {
            return string.Empty;
        }

        using var fs = new FileStream(wal, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var sr = new StreamReader(fs, Encoding.Latin1);
        return sr.ReadToEnd();
    }

    [Fact]
    public async Task EnqueueAsync_Ids_Are128BitHexAndDistinct()
    {
        var sut = CreateSut();

        var ids = new HashSet<string>();
        for (var i = 0; i < 50; i++)
        {
            ids.Add((await sut.EnqueueAsync("key_a", null, "m", Request(), T0.AddHours(1))).Job.Id);
        }

        Assert.Equal(50, ids.Count);
        Assert.All(ids, id => Assert.Matches("^job_[0-9a-f]{32}$", id));
    }

    [Fact]
    public async Task EnqueueAsync_SameIdempotencyKeySameOwner_ReturnsSameJob()
    {
        var sut = CreateSut();

        var first = await sut.EnqueueAsync("key_a", "k1", "m", Request(), T0.AddHours(1));
        var second = await sut.EnqueueAsync("key_a", "k1", "m", Request("{}"), T0.AddHours(5));

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(first.Job.Id, second.Job.Id);
        Assert.Equal(T0.AddHours(1), second.Job.Deadline);
        Assert.Single(await sut.ListAsync());
    }

    [Fact]
    public async Task EnqueueAsync_SameIdempotencyKeyOtherOwner_CreatesSeparateJob()
    {
        var sut = CreateSut();

        var a = await sut.EnqueueAsync("key_a", "k1", "m", Request(), T0.AddHours(1));
        var b = await sut.EnqueueAsync("key_b", "k1", "m", Request(), T0.AddHours(1));

        Assert.True(b.Created);
        Assert.NotEqual(a.Job.Id, b.Job.Id);
    }

    [Fact]
    public async Task GetAsync_OtherOwner_IsNotFound()
    {
        var sut = CreateSut();
        var a = await sut.EnqueueAsync("key_a", null, "m", Request(), T0.AddHours(1));

        Assert.Null(await sut.GetAsync("key_b", a.Job.Id));
        Assert.Null(await sut.GetAsync("key_a", "job_00000000000000000000000000000000"));
        Assert.NotNull(await sut.GetAsync("key_a", a.Job.Id));
    }

    [Fact]
    public async Task EnqueueAsync_Concurrent_AllDurableAndOneJobPerIdempotencyKey()
    {
        var sut = CreateSut();

        var distinct = Enumerable.Range(0, 40).Select(i => Task.Run(() => sut.EnqueueAsync("key_a", null, "m", Request(), T0.AddHours(1))));
        var same = Enumerable.Range(0, 40).Select(i => Task.Run(() => sut.EnqueueAsync("key_a", "shared", "m", Request(), T0.AddHours(1))));
        var results = await Task.WhenAll(distinct.Concat(same));

        Assert.Equal(40, results.Take(40).Select(r => r.Job.Id).Distinct().Count());
        var sharedIds = results.Skip(40).Select(r => r.Job.Id).Distinct().ToList();
        Assert.Single(sharedIds);
        Assert.Single(results.Skip(40), r => r.Created);
        Assert.Equal(41, (await sut.ListAsync()).Count);
    }

    [Fact]
    public async Task CompleteAsync_FinalResult_NeverChanges()
    {
        var sut = CreateSut();
        var id = (await sut.EnqueueAsync("key_a", null, "m", Request(), T0.AddHours(1), new byte[] { 1, 2, 3 })).Job.Id;
        Assert.True(await sut.TryStartAsync(id));

        var first = await sut.CompleteAsync(id, DeferredJobState.Succeeded, Response(200, "{\"ok\":1}"));
        var second = await sut.CompleteAsync(id, DeferredJobState.Failed, Response(400, "{\"bad\":1}"), "late");
        var requeued = await sut.RequeueAsync(id, "late");
        var restarted = await sut.TryStartAsync(id);
        _time.Advance(TimeSpan.FromHours(2));
        var expired = await sut.ExpireDueAsync(_time.GetUtcNow());
        var recovered = await sut.RecoverRunningAsync();
        var job = await sut.GetAsync("key_a", id);

        Assert.True(first);
        Assert.False(second);
        Assert.False(requeued);
        Assert.False(restarted);
        Assert.Equal(0, expired);
        Assert.Equal(0, recovered);
        Assert.NotNull(job);
        Assert.Equal(DeferredJobState.Succeeded, job.State);
        Assert.Equal(200, job.Response!.StatusCode);
        Assert.Equal("{\"ok\":1}", Encoding.UTF8.GetString(job.Response.Body.Span));
        Assert.Contains(job.Response.Headers, h => h.Name == "request-id" && h.Value == "req_1");
        Assert.Equal(T0, job.CompletedAt);
        Assert.Null(await sut.GetProtectedCredentialAsync(id));
    }

    [Fact]
    public async Task ExpireDueAsync_PastDeadline_ExpiresQueuedWithLastErrorAndErasesCredential()
    {
        var sut = CreateSut();
        var soon = (await sut.EnqueueAsync("key_a", null, "m", Request(), T0.AddMinutes(30), new byte[] { 9 })).Job.Id;
        var later = (await sut.EnqueueAsync("key_a", null, "m", Request(), T0.AddHours(2))).Job.Id;
        Assert.True(await sut.TryStartAsync(soon));
        Assert.True(await sut.RequeueAsync(soon, "529 overloaded_error (req_x)"));
        Assert.NotNull(await sut.GetProtectedCredentialAsync(soon));

        _time.Advance(TimeSpan.FromMinutes(30));
        var count = await sut.ExpireDueAsync(_time.GetUtcNow());

        var expired = await sut.GetAsync("key_a", soon);
        Assert.Equal(1, count);
        Assert.Equal(DeferredJobState.Expired, expired!.State);
        Assert.Equal("529 overloaded_error (req_x)", expired.LastError);
        Assert.Equal(1, expired.Attempts);
        Assert.Null(await sut.GetProtectedCredentialAsync(soon));
        Assert.Equal(DeferredJobState.Queued, (await sut.GetAsync("key_a", later))!.State);
    }

    [Fact]
    public async Task ExpireDueExplainedAsync_PastDeadline_StoresTheExplanationAndErasesCredential()
    {
        var sut = CreateSut();
        var soon = (await sut.EnqueueAsync("key_a", null, "m", Request(), T0.AddMinutes(2), new byte[] { 9 }, "live call gave up: 529")).Job.Id;
        var later = (await sut.EnqueueAsync("key_a", null, "m", Request(), T0.AddHours(2))).Job.Id;
        var seen = new List<DeferredJob>();

        _time.Advance(TimeSpan.FromMinutes(2));
        var count = await sut.ExpireDueExplainedAsync(_time.GetUtcNow(), job =>
        {
            seen.Add(job);
            return $"expired after {job.Attempts} attempts: why; before that: {job.LastError}";
        });
        var again = await sut.ExpireDueExplainedAsync(_time.GetUtcNow(), _ => "never");

        var expired = (await sut.GetAsync("key_a", soon))!;
        Assert.Equal(1, count);
        Assert.Equal(0, again);
        Assert.Equal(soon, Assert.Single(seen).Id);
        Assert.Equal(DeferredJobState.Queued, seen[0].State);
        Assert.Equal(DeferredJobState.Expired, expired.State);
        Assert.Equal("expired after 0 attempts: why; before that: live call gave up: 529", expired.LastError);
        Assert.Equal(_time.GetUtcNow(), expired.CompletedAt);
        Assert.Null(await sut.GetProtectedCredentialAsync(soon));
        Assert.Equal(DeferredJobState.Queued, (await sut.GetAsync("key_a", later))!.State);
    }

    [Fact]
    public async Task PeekQueuedAsync_EarliestDeadlineFirst_SkipsRunningAndPastDeadline()
    {
        var sut = CreateSut();
        var late = (await sut.EnqueueAsync("key_a", null, "m", Request(), T0.AddHours(3))).Job.Id;
        var early = (await sut.EnqueueAsync("key_b", null, "m", Request(), T0.AddHours(1))).Job.Id;
        var running = (await sut.EnqueueAsync("key_a", null, "m", Request(), T0.AddMinutes(1))).Job.Id;
        _ = await sut.EnqueueAsync("key_a", null, "m", Request(), T0);
        Assert.True(await sut.TryStartAsync(running));

        var queued = await sut.PeekQueuedAsync(10);

        Assert.Equal([early, late], queued.Select(j => j.Id));
    }

    [Fact]
    public async Task RecoverRunningAsync_AfterCrash_RequeuesRunningJobs()
    {
        var sut = CreateSut();
        var id = (await sut.EnqueueAsync("key_a", null, "m", Request(), T0.AddHours(1))).Job.Id;
        Assert.True(await sut.TryStartAsync(id));
        sut.Dispose();

        var reopened = CreateSut();
        var count = await reopened.RecoverRunningAsync();
        var job = await reopened.GetAsync("key_a", id);

        Assert.Equal(1, count);
        Assert.Equal(DeferredJobState.Queued, job!.State);
        Assert.NotNull(job.LastError);
        Assert.True(await reopened.TryStartAsync(id));
    }

    [Fact]
    public async Task CountAsync_and_ListAsync_FilterByState()
    {
        var sut = CreateSut();
        var a = (await sut.EnqueueAsync("key_a", null, "m", Request(), T0.AddHours(1))).Job.Id;
        _ = await sut.EnqueueAsync("key_a", null, "m", Request(), T0.AddHours(1));
        Assert.True(await sut.TryStartAsync(a));

        var counts = await sut.CountAsync();
        var running = await sut.ListAsync(DeferredJobState.Running);

        Assert.Equal(1, counts[DeferredJobState.Running]);
        Assert.Equal(1, counts[DeferredJobState.Queued]);
        Assert.Equal([a], running.Select(j => j.Id));
    }

    public void Dispose()
    {
        foreach (var s in _stores)
        {
            s.Dispose();
        }

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
