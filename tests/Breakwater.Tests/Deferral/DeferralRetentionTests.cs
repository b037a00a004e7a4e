using System.Net;
using Breakwater.Deferral;
using Microsoft.Extensions.Time.Testing;

namespace Breakwater.Tests.Deferral;

public sealed class DeferralRetentionTests : IAsyncDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 14, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bw-defer-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(T0);
    private readonly SqliteDeferredJobStore _store;
    private DeferralWorker? _worker;

    public DeferralRetentionTests() => _store = new SqliteDeferredJobStore(Path.Combine(_dir, "jobs.db"), _time);

    private DeferralWorker CreateSut(Func<DeferredJob, CancellationToken, Task>? onCompleted = null) =>
        _worker = new DeferralWorker(_store, new HttpMessageInvoker(new StubUpstream()), null, new DeferralWorkerOptions
        {
            UpstreamBaseAddress = new Uri("http://127.0.0.1:1"),
            Retention = TimeSpan.FromDays(1),
            OnCompleted = onCompleted,
        }, _time);

    [Fact]
    public async Task RunOnceAsync_FinishedJobOlderThanRetention_IsDeletedYoungerOneIsKept()
    {
        var sut = CreateSut();
        var done = (await _store.EnqueueAsync("o", null, "m", SqliteDeferredJobStoreTests.Request(), T0.AddDays(3))).Job.Id;
        await sut.RunOnceAsync();
        await sut.WhenIdleAsync();
        var waiting = (await _store.EnqueueAsync("o", null, "m", SqliteDeferredJobStoreTests.Request(), T0.AddDays(3))).Job.Id;
        Assert.Equal(DeferredJobState.Succeeded, (await _store.GetAsync("o", done))!.State);

        _time.Advance(TimeSpan.FromHours(23));
        Assert.Equal(0, await _store.PurgeAsync(_time.GetUtcNow() - TimeSpan.FromDays(1), keepUnnotified: false));
        await sut.RunOnceAsync();
        await sut.WhenIdleAsync();
        _time.Advance(TimeSpan.FromHours(2));
        await sut.RunOnceAsync();

        Assert.Null(await _store.GetAsync("o", done));
        Assert.Equal(DeferredJobState.Succeeded, (await _store.GetAsync("o", waiting))!.State);
    }

    [Fact]
    public async Task PurgeAsync_CallbackStillOwed_KeepsTheJob()
    {
        var calls = 0;
        var sut = CreateSut((_, _) => ++calls == 1 ? throw new HttpRequestException("down") : Task.CompletedTask);
        var id = (await _store.EnqueueAsync("o", null, "m", SqliteDeferredJobStoreTests.Request(), T0.AddDays(3))).Job.Id;
        await sut.RunOnceAsync();
        await sut.WhenIdleAsync();

        _time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(0, await _store.PurgeAsync(_time.GetUtcNow() - TimeSpan.FromDays(1), keepUnnotified: true));
        Assert.NotNull(await _store.GetAsync("o", id));

        // The callback fails once (the job stays), then is delivered, and only then is the job deleted.
        await sut.RunOnceAsync();
        Assert.Equal(1, calls);
        Assert.NotNull(await _store.GetAsync("o", id));
        _time.Advance(TimeSpan.FromMinutes(1));
        await sut.RunOnceAsync();
        Assert.Equal(2, calls);
        Assert.Null(await _store.GetAsync("o", id));
    }

    public async ValueTask DisposeAsync()
    {
        if (_worker is not null)
        {
            await _worker.DisposeAsync();
        }

        _store.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
