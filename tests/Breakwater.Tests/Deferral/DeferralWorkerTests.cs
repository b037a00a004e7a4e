using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Breakwater.Deferral;
using Breakwater.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Breakwater.Tests.Deferral;

public sealed class DeferralWorkerTests : IAsyncDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 14, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bw-defer-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(T0);
    private readonly SqliteDeferredJobStore _store;
    private readonly List<DeferralWorker> _workers = [];
    private readonly List<HttpMessageInvoker> _invokers = [];
    private IReadOnlyList<ModelHealth> _health = [];

    public DeferralWorkerTests()
    {
        _store = new SqliteDeferredJobStore(Path.Combine(_dir, "jobs.db"), _time);
    }

    private Func<DeferredJob, CancellationToken, Task>? _onCompleted;

    private DeferralWorker CreateSut(StubUpstream upstream, int maxInFlight = 4, TimeSpan? retention = null, TimeSpan? minQuiet = null)
    {
        // The worker does not own its invoker; the test owns the upstream.
        var invoker = new HttpMessageInvoker(upstream, disposeHandler: false);
        _invokers.Add(invoker);
        var worker = new DeferralWorker(
            _store,
            invoker,
            () => _health,
            new DeferralWorkerOptions
            {
                MaxInFlight = maxInFlight,
                PollInterval = TimeSpan.FromSeconds(5),
                UpstreamBaseAddress = new Uri("http://127.0.0.1:1"),
                OnCompleted = _onCompleted,
                Retention = retention ?? TimeSpan.FromDays(7),
                MinQuietPeriod = minQuiet ?? TimeSpan.FromSeconds(30),
                PrepareRequest = (job, request, _) =>
                {
                    request.Headers.TryAddWithoutValidation("x-api-key", "sk-managed");
                    return Task.CompletedTask;
                },
            },
            _time);
        _workers.Add(worker);
        return worker;
    }

    private async Task<string> Enqueue(TimeSpan deadlineIn, string model = "m", string owner = "key_a") =>
        (await _store.EnqueueAsync(owner, null, model, SqliteDeferredJobStoreTests.Request(), T0 + deadlineIn)).Job.Id;

    private static ModelHealth Health(string model, string breaker, int limit = 10, int inFlight = 0) =>
        new("default", model, breaker, limit, inFlight, 0, 0);

    [Fact]
    public async Task RunOnceAsync_ManyQueued_SlowStartsThenRunsAtMostMaxInFlightEarliestDeadlineFirst()
    {
        using var upstream = new StubUpstream(hold: true);
        var sut = CreateSut(upstream, maxInFlight: 4);
        var ids = new List<string>();
        for (var i = 20; i > 0; i--)
        {
            ids.Add(await Enqueue(TimeSpan.FromMinutes(i)));
        }

        // Slow start: one job first (the earliest deadline), however many are queued.
        Assert.Equal(1, await sut.RunOnceAsync());
        Assert.Equal(0, await sut.RunOnceAsync());
        Assert.Equal([ids[^1]], (await _store.ListAsync(DeferredJobState.Running)).Select(j => j.Id));

        upstream.Release();
        var order = new List<string> { ids[^1] };
        var most = 0;
        for (var round = 0; round < 30 && (await _store.ListAsync(DeferredJobState.Queued)).Count > 0; round++)
        {
            await sut.WhenIdleAsync();
            upstream.Hold();
            var started = await sut.RunOnceAsync();
            most = Math.Max(most, started);
            order.AddRange((await _store.ListAsync(DeferredJobState.Running)).OrderBy(j => j.Deadline).Select(j => j.Id));
            upstream.Release();
        }

        await sut.WhenIdleAsync();
        Assert.Equal(20, (await _store.ListAsync(DeferredJobState.Succeeded)).Count);
        Assert.Equal(20, upstream.Received.Count);
        Assert.Equal(4, most);
        Assert.Equal(Enumerable.Reverse(ids), order);
    }

    [Fact]
    public async Task RunOnceAsync_RecentOverloadOrLiveWait_WaitsForTheQuietPeriod()
    {
        using var upstream = new StubUpstream();
        var sut = CreateSut(upstream);
        var id = await Enqueue(TimeSpan.FromHours(2));
        _health = [Health("m", "closed") with { LastOverloadAt = T0 - TimeSpan.FromSeconds(10) }];

        Assert.Equal(0, await sut.RunOnceAsync());
        _time.Advance(TimeSpan.FromSeconds(289));
        Assert.Equal(0, await sut.RunOnceAsync());

        // Quiet for a whole period since the overload, but a live call just waited for a slot: still not healthy.
        _health = [Health("m", "closed") with { LastOverloadAt = T0 - TimeSpan.FromSeconds(10), LastLimitWaitAt = _time.GetUtcNow() }];
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, await sut.RunOnceAsync());

        _time.Advance(TimeSpan.FromSeconds(299));
        Assert.Equal(1, await sut.RunOnceAsync());
        await sut.WhenIdleAsync();
        Assert.Equal(DeferredJobState.Succeeded, (await _store.GetAsync("key_a", id))!.State);
    }

    [Fact]
    public async Task RunOnceAsync_TwoMinuteJobRightAfterAnOverload_RunsAfterAQuietPeriodBoundedByItsDeadline()
    {
        using var upstream = new StubUpstream();
        var sut = CreateSut(upstream);
        var soon = await Enqueue(TimeSpan.FromMinutes(2));
        var later = await Enqueue(TimeSpan.FromHours(2));
        _health = [Health("m", "closed") with { LastOverloadAt = T0 }];

        // The 2-minute job's quiet period is a quarter of its deadline (30 s), not the full 5 minutes.
        _time.Advance(TimeSpan.FromSeconds(25));
        var before = await sut.RunOnceAsync();
        _time.Advance(TimeSpan.FromSeconds(5));
        var at30s = await sut.RunOnceAsync();
        await sut.WhenIdleAsync();
        var again = await sut.RunOnceAsync();

        Assert.Equal(0, before);
        Assert.Equal(1, at30s);
        Assert.Equal(0, again);
        var done = (await _store.GetAsync("key_a", soon))!;
        Assert.Equal(DeferredJobState.Succeeded, done.State);
        Assert.Equal(1, done.Attempts);
        Assert.Equal(DeferredJobState.Queued, (await _store.GetAsync("key_a", later))!.State);
        Assert.Single(upstream.Received);
    }

    [Fact]
    public async Task RunOnceAsync_PlatformStaysOverloaded_ExpiredJobSaysWhyItNeverRan()
    {
        using var upstream = new StubUpstream();
        var sut = CreateSut(upstream);
        var id = (await _store.EnqueueAsync("key_a", null, "m", SqliteDeferredJobStoreTests.Request(), T0 + TimeSpan.FromMinutes(2), null, "live call gave up: 529 (attempts), request_ids req_1")).Job.Id;

        // A 529 every 10 s for the whole 2 minutes: the 30 s quiet period never comes.
        for (var i = 0; i < 12; i++)
        {
            _health = [Health("m", "closed") with { LastOverloadAt = _time.GetUtcNow() }];
            _time.Advance(TimeSpan.FromSeconds(10));
            await sut.RunOnceAsync();
        }

        var job = (await _store.GetAsync("key_a", id))!;
        Assert.Equal(DeferredJobState.Expired, job.State);
        Assert.Equal(0, job.Attempts);
        Assert.Equal(
            "expired after 0 attempts: the platform stayed overloaded: m never went 30s (this job's quiet period) without an overload signal; "
            + "the last overload signal was 10s before the deadline; before that: live call gave up: 529 (attempts), request_ids req_1",
            job.LastError);
        Assert.Empty(upstream.Received);
    }

    [Fact]
    public async Task RunOnceAsync_QuietPeriodLongerThanTheDeadline_ExpiredJobSaysTheQuietPeriodOutlastedIt()
    {
        using var upstream = new StubUpstream();
        var sut = CreateSut(upstream, minQuiet: TimeSpan.FromMinutes(5));
        var id = await Enqueue(TimeSpan.FromMinutes(2));
        _health = [Health("m", "closed") with { LastOverloadAt = T0 }];

        _time.Advance(TimeSpan.FromMinutes(2));
        await sut.RunOnceAsync();

        var job = (await _store.GetAsync("key_a", id))!;
        Assert.Equal(DeferredJobState.Expired, job.State);
        Assert.Equal(
            "expired after 0 attempts: the platform stayed overloaded: the quiet period 5m outlasted the 2m deadline "
            + "(the last overload signal on m was 2m before it; the shortest deferral that fits an attempt is 5m5s)",
            job.LastError);
    }

    [Fact]
    public async Task RunOnceAsync_LiveTrafficUsesTheLimitShare_JobsWait()
    {
        using var upstream = new StubUpstream();
        var sut = CreateSut(upstream);
        await Enqueue(TimeSpan.FromHours(2));

        // Limit 20, share 0.25: jobs may fill up to 5 together with live calls; 5 live calls in flight leave none.
        _health = [Health("m", "closed", limit: 20, inFlight: 5)];
        Assert.Equal(0, await sut.RunOnceAsync());

        _health = [Health("m", "closed", limit: 20, inFlight: 4)];
        Assert.Equal(1, await sut.RunOnceAsync());
    }

    [Fact]
    public async Task RunOnceAsync_ShrunkLimit_StillLetsOneJobThroughWhenIdle()
    {
        using var upstream = new StubUpstream();
        var sut = CreateSut(upstream);
        await Enqueue(TimeSpan.FromHours(2));
        _health = [Health("m", "closed", limit: 1, inFlight: 0)];

        Assert.Equal(1, await sut.RunOnceAsync());
    }

    [Fact]
    public async Task RunOnceAsync_SendsJobsAsBackgroundWork()
    {
        using var upstream = new StubUpstream();
        var sut = CreateSut(upstream);
        await Enqueue(TimeSpan.FromHours(2));

        await sut.RunOnceAsync();
        await sut.WhenIdleAsync();

        var (request, _) = Assert.Single(upstream.Received);
        Assert.True(request.Options.TryGetValue(BreakwaterRequestOptions.Background, out var background) && background);
    }

    [Fact]
    public async Task RunOnceAsync_TransientAnswer_ClosesTheWindowToOneJob()
    {
        using var upstream = new StubUpstream();
        var sut = CreateSut(upstream);
        for (var i = 0; i < 20; i++)
        {
            await Enqueue(TimeSpan.FromHours(2));
        }

        // Grow the window with successes (1, 2, 2.5, 2.9, 3.2 …).
        for (var round = 0; round < 4; round++)
        {
            await sut.RunOnceAsync();
            await sut.WhenIdleAsync();
        }

        upstream.Hold();
        var wide = await sut.RunOnceAsync();
        upstream.Enqueue(HttpStatusCode.ServiceUnavailable, """{"type":"error","error":{"type":"overloaded_error","message":"x"}}""");
        upstream.Release();
        await sut.WhenIdleAsync();

        upstream.Hold();
        var after = await sut.RunOnceAsync();
        upstream.Release();
        await sut.WhenIdleAsync();

        Assert.True(wide >= 2, $"window should have grown, started {wide}");
        Assert.Equal(1, after);
    }

    [Fact]
    public async Task RunOnceAsync_ModelUnhealthyBetweenRounds_StartsAgainFromOneJob()
    {
        using var upstream = new StubUpstream();
        var sut = CreateSut(upstream);
        for (var i = 0; i < 20; i++)
        {
            await Enqueue(TimeSpan.FromHours(2));
        }

        for (var round = 0; round < 4; round++)
        {
            await sut.RunOnceAsync();
            await sut.WhenIdleAsync();
        }

        // An overload seen by live traffic: the model waits a quiet period, then drains from one job at a time again.
        _health = [Health("m", "closed") with { LastOverloadAt = _time.GetUtcNow() }];
        Assert.Equal(0, await sut.RunOnceAsync());
        _time.Advance(TimeSpan.FromMinutes(5));
        upstream.Hold();
        var after = await sut.RunOnceAsync();
        upstream.Release();
        await sut.WhenIdleAsync();

        Assert.Equal(1, after);
    }

    [Fact]
    public async Task RunOnceAsync_JobDeadlineDuringAttempt_CutsTheAttemptAndExpiresTheJob()
    {
        using var upstream = new StubUpstream(hold: true);
        var sut = CreateSut(upstream);
        var id = await Enqueue(TimeSpan.FromSeconds(30));

        Assert.Equal(1, await sut.RunOnceAsync());
        _time.Advance(TimeSpan.FromSeconds(31));
        await sut.WhenIdleAsync();
        await sut.RunOnceAsync();

        var job = (await _store.GetAsync("key_a", id))!;
        Assert.Equal(DeferredJobState.Expired, job.State);
        Assert.Equal("expired after 1 attempt: its attempts did not finish it before the deadline; before that: deadline reached while the job was running", job.LastError);
    }

    [Fact]
    public async Task RunOnceAsync_Success_StoresResponseExactlyAndSendsStoredRequestWithCredential()
    {
        using var upstream = new StubUpstream();
        upstream.Enqueue(HttpStatusCode.OK, """{"id":"msg_x","content":[{"type":"text","text":"hi"}]}""");
        var sut = CreateSut(upstream);
        var id = await Enqueue(TimeSpan.FromHours(1));

        await sut.RunOnceAsync();
        await sut.WhenIdleAsync();

        var job = await _store.GetAsync("key_a", id);
        Assert.Equal(DeferredJobState.Succeeded, job!.State);
        Assert.Equal(200, job.Response!.StatusCode);
        Assert.Equal("""{"id":"msg_x","content":[{"type":"text","text":"hi"}]}""", Encoding.UTF8.GetString(job.Response.Body.Span));
        Assert.Contains(job.Response.Headers, h => h.Name == "request-id" && h.Value == "req_up");
        Assert.DoesNotContain(job.Response.Headers, h => h.Name.StartsWith("breakwater-", StringComparison.OrdinalIgnoreCase));
        var (request, body) = Assert.Single(upstream.Received);
        Assert.Equal(new Uri("http://127.0.0.1:1/v1/messages?beta=true"), request.RequestUri);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(Encoding.UTF8.GetString(SqliteDeferredJobStoreTests.Request().Body.Span), body);
        Assert.Equal("sk-managed", request.Headers.GetValues("x-api-key").Single());
        Assert.Equal("2023-06-01", request.Headers.GetValues("anthropic-version").Single());
        Assert.Equal("application/json", request.Content!.Headers.ContentType!.MediaType);
        Assert.False(request.Headers.Contains("authorization"));
    }

    [Fact]
    public async Task RunOnceAsync_Outcomes_AreCountedOnTheBreakwaterMeterOfTheContainer()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var enqueued = new MetricCollector<long>(meters, "Breakwater", "breakwater.deferral.enqueued");
        using var requeued = new MetricCollector<long>(meters, "Breakwater", "breakwater.deferral.requeued");
        using var finished = new MetricCollector<long>(meters, "Breakwater", "breakwater.deferral.finished");
        using var queued = new MetricCollector<long>(meters, "Breakwater", "breakwater.deferral.queued");
        using var store = new SqliteDeferredJobStore(Path.Combine(_dir, "metered.db"), _time, meters);
        using var upstream = new StubUpstream();
        upstream.Enqueue((HttpStatusCode)529, "{}");
        using var invoker = new HttpMessageInvoker(upstream, disposeHandler: false);
        await using var sut = new DeferralWorker(
            store,
            invoker,
            () => _health,
            new DeferralWorkerOptions { PollInterval = TimeSpan.FromSeconds(5), UpstreamBaseAddress = new Uri("http://127.0.0.1:1") },
            _time,
            meterFactory: meters);
        var result = await store.EnqueueAsync("key_a", null, "claude-sonnet-4-6", SqliteDeferredJobStoreTests.Request(), T0 + TimeSpan.FromHours(1));
        await sut.StartAsync();
        queued.RecordObservableInstruments();

        await sut.RunOnceAsync();
        await sut.WhenIdleAsync();
        await sut.RunOnceAsync();
        await sut.WhenIdleAsync();

        Assert.Equal(DeferredJobState.Succeeded, (await store.GetAsync("key_a", result.Job.Id))!.State);
        Assert.Equal(1, enqueued.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(1, requeued.GetMeasurementSnapshot().EvaluateAsCounter());
        var done = Assert.Single(finished.GetMeasurementSnapshot());
        Assert.Equal(("succeeded", 1L), (done.Tags["state"] as string, done.Value));
        Assert.Equal(1, queued.LastMeasurement?.Value);
    }

    [Fact]
    public async Task RunOnceAsync_BadRequest_FailsWithUpstreamBody()
    {
        using var upstream = new StubUpstream();
        upstream.Enqueue(HttpStatusCode.BadRequest, """{"type":"error","error":{"type":"invalid_request_error","message":"no"}}""");
        var sut = CreateSut(upstream);
        var id = await Enqueue(TimeSpan.FromHours(1));

        await sut.RunOnceAsync();
        await sut.WhenIdleAsync();

        var job = await _store.GetAsync("key_a", id);
        Assert.Equal(DeferredJobState.Failed, job!.State);
        Assert.Equal(400, job.Response!.StatusCode);
        Assert.Contains("invalid_request_error", Encoding.UTF8.GetString(job.Response.Body.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunOnceAsync_OverloadThenDeadline_RequeuesThenExpiresWithLastError()
    {
        using var upstream = new StubUpstream();
        upstream.Enqueue((HttpStatusCode)529, """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");
        var sut = CreateSut(upstream);
        var id = await Enqueue(TimeSpan.FromMinutes(10));

        await sut.RunOnceAsync();
        await sut.WhenIdleAsync();
        var afterOverload = await _store.GetAsync("key_a", id);
        _time.Advance(TimeSpan.FromMinutes(10));
        await sut.RunOnceAsync();
        await sut.WhenIdleAsync();
        var job = await _store.GetAsync("key_a", id);

        Assert.Equal(DeferredJobState.Queued, afterOverload!.State);
        Assert.StartsWith("529", afterOverload.LastError, StringComparison.Ordinal);
        Assert.Equal(DeferredJobState.Expired, job!.State);
        Assert.StartsWith("expired after 1 attempt: ", job.LastError, StringComparison.Ordinal);
        Assert.EndsWith("; before that: " + afterOverload.LastError, job.LastError, StringComparison.Ordinal);
        Assert.Single(upstream.Received);
    }

    [Fact]
    public async Task RunOnceAsync_BreakerOpenOrProbingOrLimitFull_SkipsThatModelOnly()
    {
        using var upstream = new StubUpstream();
        var sut = CreateSut(upstream);
        var blocked = await Enqueue(TimeSpan.FromMinutes(1), model: "m-open");
        var full = await Enqueue(TimeSpan.FromMinutes(1), model: "m-full");
        var ok = await Enqueue(TimeSpan.FromMinutes(2), model: "m-ok");
        var probing = await Enqueue(TimeSpan.FromMinutes(1), model: "m-probing");
        _health = [Health("m-open", "open"), Health("m-full", "closed", limit: 2, inFlight: 2), Health("m-probing", "half-open", inFlight: 1), Health("m-ok", "closed")];

        var started = await sut.RunOnceAsync();
        await sut.WhenIdleAsync();

        Assert.Equal(1, started);
        Assert.Equal(DeferredJobState.Succeeded, (await _store.GetAsync("key_a", ok))!.State);
        Assert.Equal(DeferredJobState.Queued, (await _store.GetAsync("key_a", blocked))!.State);
        Assert.Equal(DeferredJobState.Queued, (await _store.GetAsync("key_a", full))!.State);
        Assert.Equal(DeferredJobState.Queued, (await _store.GetAsync("key_a", probing))!.State);

        _health = [Health("m-open", "closed"), Health("m-full", "closed", limit: 2, inFlight: 2), Health("m-probing", "half-open", inFlight: 1)];
        await sut.RunOnceAsync();
        await sut.WhenIdleAsync();
        Assert.Equal(DeferredJobState.Succeeded, (await _store.GetAsync("key_a", blocked))!.State);
    }

    [Fact]
    public async Task RunOnceAsync_ManyEarlierJobsOfBlockedModel_DoNotStarveOtherModels()
    {
        using var upstream = new StubUpstream();
        var sut = CreateSut(upstream);
        for (var i = 0; i < 150; i++)
        {
            await Enqueue(TimeSpan.FromMinutes(1), model: "m-open");
        }

        var ok = await Enqueue(TimeSpan.FromHours(2), model: "m-ok");
        _health = [Health("m-open", "open")];

        var started = await sut.RunOnceAsync();
        await sut.WhenIdleAsync();

        Assert.Equal(1, started);
        Assert.Equal(DeferredJobState.Succeeded, (await _store.GetAsync("key_a", ok))!.State);
    }

    [Fact]
    public async Task RunOnceAsync_CompletionCallback_IsRetriedUntilItSucceedsThenNotAgain()
    {
        var calls = new List<(string Id, DeferredJobState State)>();
        _onCompleted = (job, _) =>
        {
            calls.Add((job.Id, job.State));
            return calls.Count == 1 ? throw new InvalidOperationException("receiver down") : Task.CompletedTask;
        };
        using var upstream = new StubUpstream();
        var sut = CreateSut(upstream);
        var id = await Enqueue(TimeSpan.FromHours(1));

        await sut.RunOnceAsync();
        await sut.WhenIdleAsync();
        var beforeFinal = calls.Count;
        await sut.RunOnceAsync();
        await sut.RunOnceAsync();
        await sut.RunOnceAsync();

        Assert.Equal(0, beforeFinal);
        Assert.Equal([(id, DeferredJobState.Succeeded), (id, DeferredJobState.Succeeded)], calls);
        Assert.Empty(await _store.PeekUnnotifiedAsync(10));
    }

    [Fact]
    public async Task StartAsync_JobLeftRunning_IsRequeuedAndCompletedOnTimerTick()
    {
        var id = await Enqueue(TimeSpan.FromHours(1));
        Assert.True(await _store.TryStartAsync(id));
        using var upstream = new StubUpstream();
        var sut = CreateSut(upstream);

        await sut.StartAsync();
        Assert.Equal(DeferredJobState.Queued, (await _store.GetAsync("key_a", id))!.State);
        _time.Advance(TimeSpan.FromSeconds(5));
        for (var i = 0; i < 200 && (await _store.GetAsync("key_a", id))!.State != DeferredJobState.Succeeded; i++)
        {
            await sut.WhenIdleAsync();
            await Task.Yield();
        }

        var job = await _store.GetAsync("key_a", id);
        Assert.Equal(DeferredJobState.Succeeded, job!.State);
        Assert.Equal(2, job.Attempts);
    }

    [Fact]
    public async Task RunOnceAsync_FinishedJobOlderThanRetention_IsDeletedYoungerOneIsKept()
    {
        using var stubUpstream = new StubUpstream();
        var sut = CreateSut(stubUpstream, retention: TimeSpan.FromDays(1));
        var done = await Enqueue(TimeSpan.FromDays(3));
        await sut.RunOnceAsync();
        await sut.WhenIdleAsync();
        var waiting = await Enqueue(TimeSpan.FromDays(3));
        Assert.Equal(DeferredJobState.Succeeded, (await _store.GetAsync("key_a", done))!.State);

        _time.Advance(TimeSpan.FromHours(23));
        Assert.Equal(0, await _store.PurgeAsync(_time.GetUtcNow() - TimeSpan.FromDays(1), keepUnnotified: false));
        await sut.RunOnceAsync();
        await sut.WhenIdleAsync();
        _time.Advance(TimeSpan.FromHours(2));
        await sut.RunOnceAsync();

        Assert.Null(await _store.GetAsync("key_a", done));
        Assert.Equal(DeferredJobState.Succeeded, (await _store.GetAsync("key_a", waiting))!.State);
    }

    [Fact]
    public async Task PurgeAsync_CallbackStillOwed_KeepsTheJob()
    {
        var calls = 0;
        _onCompleted = (_, _) => ++calls == 1 ? throw new HttpRequestException("down") : Task.CompletedTask;
        using var stubUpstream = new StubUpstream();
        var sut = CreateSut(stubUpstream, retention: TimeSpan.FromDays(1));
        var id = await Enqueue(TimeSpan.FromDays(3));
        await sut.RunOnceAsync();
        await sut.WhenIdleAsync();

        _time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(0, await _store.PurgeAsync(_time.GetUtcNow() - TimeSpan.FromDays(1), keepUnnotified: true));
        Assert.NotNull(await _store.GetAsync("key_a", id));

        // The callback fails once (the job stays), then is delivered, and only then is the job deleted.
        await sut.RunOnceAsync();
        Assert.Equal(1, calls);
        Assert.NotNull(await _store.GetAsync("key_a", id));
        _time.Advance(TimeSpan.FromMinutes(1));
        await sut.RunOnceAsync();
        Assert.Equal(2, calls);
        Assert.Null(await _store.GetAsync("key_a", id));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var w in _workers)
        {
            await w.DisposeAsync();
        }

        foreach (var invoker in _invokers)
        {
            invoker.Dispose();
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
