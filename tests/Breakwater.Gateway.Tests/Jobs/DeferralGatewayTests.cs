using System.Net;
using System.Text;
using System.Text.Json;
using Breakwater.Gateway.Features.Auth;
using Breakwater.Gateway.Features.Jobs;
using Breakwater.Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Breakwater.Gateway.Tests.Jobs;

public sealed class DeferralGatewayTests : IAsyncDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "breakwater-gateway-tests", "jobs-" + Guid.NewGuid().ToString("N"));
    private GatewayHarness? _harness;

    private async Task<GatewayHarness> CreateSut(Action<GatewayOptions>? configure = null, TimeProvider? time = null)
    {
        _harness = await GatewayHarness.StartAsync(o =>
        {
            o.Deferral.Path = Path.Combine(_dir, "jobs.db");
            // Tests drain the queue by hand (DrainOnceAsync): the worker's own timer never fires within a test. A
            // deferral must fit one poll after the quiet period, so breakwater-defer values here are 30m or more.
            o.Deferral.PollInterval = TimeSpan.FromMinutes(20);
            o.Deferral.QuietPeriod = TimeSpan.Zero;
            o.Breakwater.CircuitBreaker.Enabled = false;
            o.Breakwater.Throttle.Enabled = false;
            configure?.Invoke(o);
        }, time);
        return _harness;
    }

    private static HttpRequestMessage Post(string body = GatewayHarness.MessagesBody, string key = "sk-ant-caller-1", params (string, string)[] extra) =>
        GatewayHarness.Post("/v1/messages", body, [("x-api-key", key), ("anthropic-version", "2023-06-01"), .. extra]);

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    private static Task<int> Drain(GatewayHarness sut) =>
        sut.App.Services.GetRequiredService<DeferralRuntime>().DrainOnceAsync();

    [Fact]
    public async Task Post_ConnectionGiveUpWithDefer_Answers202InsteadOf502()
    {
        var sut = await CreateSut(o => o.Breakwater.Retry.ServerError.MaxRetries = 0);
        sut.Upstream.Default = FakeUpstream.Reset;

        using var acceptedRequest = Post(extra: ("breakwater-defer", "30m"));
        using var accepted = await sut.Client.SendAsync(acceptedRequest);
        using var request = Post();
        using var plain = await sut.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var job = await Json(accepted);
        Assert.Equal("queued", job.GetProperty("state").GetString());
        Assert.StartsWith("live call gave up: Breakwater gave up on claude-", job.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadGateway, plain.StatusCode);
    }

    [Fact]
    public async Task Drain_RightAfterAnOverload_WaitsForTheQuietPeriod()
    {
        var sut = await CreateSut(o => o.Deferral.QuietPeriod = TimeSpan.FromHours(1));
        sut.Upstream.Default = FakeUpstream.Overloaded();
        using var request = Post(extra: ("breakwater-defer", "2h"));
        using var accepted = await sut.Client.SendAsync(request);
        sut.Upstream.Default = FakeUpstream.Json(200, FakeUpstream.MessageJson);

        var started = await Drain(sut);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(0, started);
    }

    [Fact]
    public async Task Post_TwoMinuteDeferAfterAStorm_Answers202AndTheJobRunsBeforeItsDeadline()
    {
        // The defaults: QuietPeriod 5 min, MinQuietPeriod 30 s, PollInterval driven by hand.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 14, 0, 0, TimeSpan.Zero));
        var sut = await CreateSut(Defaults, time);
        sut.Upstream.Default = FakeUpstream.Overloaded();

        using var request = Post(extra: ("breakwater-defer", "2m"));
        using var accepted = await sut.Client.SendAsync(request);
        var job = await Json(accepted);
        var id = job.GetProperty("id").GetString()!;
        sut.Upstream.Default = FakeUpstream.Json(200, FakeUpstream.MessageJson);
        // The worker's timer fires every 5 s of fake time; Drain waits for the attempts it started.
        time.Advance(TimeSpan.FromSeconds(25));
        await Drain(sut);
        var tooSoon = await Job(sut, id);
        time.Advance(TimeSpan.FromSeconds(5));
        await Drain(sut);
        var afterQuiet = await Job(sut, id);
        using var done = await Get(sut, id, "sk-ant-caller-1");

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("application/json", accepted.Content.Headers.ContentType!.MediaType);
        Assert.Equal(id, accepted.Headers.GetValues("breakwater-job-id").Single());
        Assert.Equal("/v1/breakwater/jobs/" + id, accepted.Headers.Location!.OriginalString);
        Assert.Equal(
            ["id", "type", "state", "created_at", "deadline", "completed_at", "attempts", "last_error", "url"],
            job.EnumerateObject().Select(p => p.Name));
        Assert.Equal("breakwater_job", job.GetProperty("type").GetString());
        Assert.Equal("queued", job.GetProperty("state").GetString());
        Assert.Equal(TimeSpan.FromMinutes(2), job.GetProperty("deadline").GetDateTimeOffset() - job.GetProperty("created_at").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, job.GetProperty("completed_at").ValueKind);
        Assert.Equal(0, job.GetProperty("attempts").GetInt32());
        Assert.StartsWith("live call gave up: 529", job.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.Equal((Breakwater.Deferral.DeferredJobState.Queued, 0), (tooSoon.State, tooSoon.Attempts));
        Assert.Equal((Breakwater.Deferral.DeferredJobState.Succeeded, 1), (afterQuiet.State, afterQuiet.Attempts));
        Assert.Equal(time.GetUtcNow(), afterQuiet.CompletedAt);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal("succeeded", done.Headers.GetValues("breakwater-job-state").Single());
        Assert.Equal(FakeUpstream.MessageJson, await done.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Post_TwoMinuteDeferAndTheStormGoesOn_JobExpiresSayingWhy()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 14, 0, 0, TimeSpan.Zero));
        var sut = await CreateSut(Defaults, time);
        sut.Upstream.Default = FakeUpstream.Overloaded();
        using var request = Post(extra: ("breakwater-defer", "2m"));
        using var accepted = await sut.Client.SendAsync(request);
        var id = (await Json(accepted)).GetProperty("id").GetString()!;

        // The platform stays overloaded: each attempt after 30 s of quiet meets another 529, which restarts the quiet period.
        for (var i = 0; i < 24; i++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            await Drain(sut);
        }

        using var expired = await Get(sut, id, "sk-ant-caller-1");
        var json = await Json(expired);

        Assert.Equal(HttpStatusCode.OK, expired.StatusCode);
        Assert.Equal("expired", json.GetProperty("state").GetString());
        // Attempts at 30 s, 60 s and 90 s, each after 30 s of quiet; the poll at the 2-minute deadline expires it.
        Assert.Equal(3, json.GetProperty("attempts").GetInt32());
        Assert.Equal(
            "expired after 3 attempts: the platform stayed overloaded: its attempts met overloads (the last overload signal on claude-sonnet-4-5 was 30s before the deadline); "
            + "before that: 529 request-id=req_up_529",
            json.GetProperty("last_error").GetString());
    }

    [Theory]
    [InlineData("20s")]
    [InlineData("34s")]
    public async Task Post_DeferShorterThanOneQuietPeriodAndPoll_Is400NamingTheMinimum(string value)
    {
        var sut = await CreateSut(Defaults);

        using var request = Post(extra: ("breakwater-defer", value));
        using var response = await sut.Client.SendAsync(request);
        var json = await Json(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("error", json.GetProperty("type").GetString());
        Assert.Equal("invalid_request_error", json.GetProperty("error").GetProperty("type").GetString());
        Assert.StartsWith($"breakwater-defer must be at least 35s on this gateway (is {value}): ", json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(sut.Upstream.Requests);
    }

    [Fact]
    public async Task Post_DeferOfExactlyTheMinimum_IsAccepted()
    {
        var sut = await CreateSut(Defaults);
        sut.Upstream.Default = FakeUpstream.Overloaded();

        using var request = Post(extra: ("breakwater-defer", "35s"));
        using var response = await sut.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task State_AfterADeferral_DashboardShowsTheQueueDepth()
    {
        var sut = await CreateSut(o => o.Deferral.QuietPeriod = TimeSpan.FromHours(1));
        sut.Upstream.Default = FakeUpstream.Overloaded();
        using var firstRequest = Post(extra: ("breakwater-defer", "2h"));
        using var first = await sut.Client.SendAsync(firstRequest);
        using var request = Post(extra: ("breakwater-defer", "2h"));
        using var second = await sut.Client.SendAsync(request);
        await Drain(sut);

        var state = await Breakwater.Gateway.Tests.Dashboard.DashboardEndpointsTests.StateAsync(sut);
        var jobs = state.GetProperty("jobs");

        Assert.True(jobs.GetProperty("enabled").GetBoolean());
        Assert.True(jobs.GetProperty("open").GetBoolean());
        Assert.Equal(2, jobs.GetProperty("queued").GetInt64());
        Assert.Equal(0, jobs.GetProperty("succeeded").GetInt64());
    }

    [Fact]
    public async Task Post_OverloadGiveUpWithDefer_Answers202AndJobCompletesWithUpstreamResponse()
    {
        var sut = await CreateSut();
        sut.Upstream.Default = FakeUpstream.Overloaded();

        using var request = Post(extra: ("breakwater-defer", "2h"));
        using var accepted = await sut.Client.SendAsync(request);
        var job = await Json(accepted);
        var id = job.GetProperty("id").GetString()!;
        var beforeCalls = sut.Upstream.Requests.Count;

        using var queued = await Get(sut, id, "sk-ant-caller-1");
        var queuedJson = await Json(queued);

        var store = (await sut.App.Services.GetRequiredService<DeferralRuntime>().GetStoreAsync(create: false, CancellationToken.None))!;
        var credentialWhileQueued = await store.GetProtectedCredentialAsync(id);
        sut.Upstream.Default = FakeUpstream.Json(200, FakeUpstream.MessageJson, ("anthropic-organization-id", "org_1"));
        var started = await Drain(sut);
        var credentialWhenDone = await store.GetProtectedCredentialAsync(id);
        using var done = await Get(sut, id, "sk-ant-caller-1");
        var doneBody = await done.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Matches("^job_[0-9a-f]{32}$", id);
        Assert.Equal("queued", job.GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.OK, queued.StatusCode);
        Assert.Equal("queued", queuedJson.GetProperty("state").GetString());
        Assert.StartsWith("live call gave up: 529 (attempts), request_ids ", queuedJson.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, started);
        Assert.NotNull(credentialWhileQueued);
        Assert.Null(credentialWhenDone);
        Assert.True(Directory.Exists(Path.Combine(_dir, "jobs-keys")));
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal(FakeUpstream.MessageJson, doneBody);
        Assert.Equal("succeeded", done.Headers.GetValues("breakwater-job-state").Single());
        Assert.Equal("org_1", done.Headers.GetValues("anthropic-organization-id").Single());
        var replay = sut.Upstream.Requests.Skip(beforeCalls).Single();
        Assert.Equal("sk-ant-caller-1", replay.Header("x-api-key"));
        Assert.Null(replay.Header("breakwater-defer"));
        Assert.Equal(GatewayHarness.MessagesBody, Encoding.UTF8.GetString(replay.Body));
        var dbText = ReadAll(Path.Combine(_dir, "jobs.db")) + ReadAll(Path.Combine(_dir, "jobs.db-wal"));
        Assert.DoesNotContain("sk-ant-caller-1", dbText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_SuccessWithDefer_IsAnsweredNormally()
    {
        var sut = await CreateSut();

        using var request = Post(extra: ("breakwater-defer", "30m"));
        using var response = await sut.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(FakeUpstream.MessageJson, await response.Content.ReadAsStringAsync());
        Assert.False(File.Exists(Path.Combine(_dir, "jobs.db")));
    }

    [Fact]
    public async Task Post_BadRequestWithDefer_IsNotDeferred()
    {
        var sut = await CreateSut();
        sut.Upstream.Default = FakeUpstream.Json(400, """{"type":"error","error":{"type":"invalid_request_error","message":"bad"}}""");

        using var request = Post(extra: ("breakwater-defer", "30m"));
        using var response = await sut.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("0s")]
    [InlineData("-5m")]
    [InlineData("2w")]
    [InlineData("100000h")]
    public async Task Post_InvalidDeferDuration_Is400InvalidRequest(string value)
    {
        var sut = await CreateSut();

        using var request = Post(extra: ("breakwater-defer", value));
        using var response = await sut.Client.SendAsync(request);
        var json = await Json(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", json.GetProperty("error").GetProperty("type").GetString());
        Assert.Empty(sut.Upstream.Requests);
    }

    [Fact]
    public async Task Post_StreamWithDefer_Is400SayingStreamsCannotBeDeferred()
    {
        var sut = await CreateSut();

        using var request = Post(GatewayHarness.StreamBody, extra: ("breakwater-defer", "2h"));
        using var response = await sut.Client.SendAsync(request);
        var json = await Json(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Streaming requests can't be deferred", json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(sut.Upstream.Requests);
    }

    [Fact]
    public async Task Post_SameIdempotencyKey_ReturnsSameJobWithoutCallingUpstreamAgain()
    {
        var sut = await CreateSut();
        sut.Upstream.Default = FakeUpstream.Overloaded();

        using var firstRequest = Post(extra: [("breakwater-defer", "2h"), ("idempotency-key", "batch-42")]);
        using var first = await sut.Client.SendAsync(firstRequest);
        var calls = CallsOf(sut, "sk-ant-caller-1");
        using var secondRequest = Post(extra: [("breakwater-defer", "2h"), ("idempotency-key", "batch-42")]);
        using var second = await sut.Client.SendAsync(secondRequest);
        using var request = Post(key: "sk-ant-caller-2", extra: [("breakwater-defer", "2h"), ("idempotency-key", "batch-42")]);
        using var otherCaller = await sut.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal((await Json(first)).GetProperty("id").GetString(), (await Json(second)).GetProperty("id").GetString());
        Assert.NotEqual((await Json(first)).GetProperty("id").GetString(), (await Json(otherCaller)).GetProperty("id").GetString());
        Assert.Equal(calls, CallsOf(sut, "sk-ant-caller-1"));
        Assert.Equal(HttpStatusCode.Accepted, otherCaller.StatusCode);
    }

    [Fact]
    public async Task GetJob_OtherCredentialOrUnknownId_Is404NotFound()
    {
        var sut = await CreateSut();
        sut.Upstream.Default = FakeUpstream.Overloaded();
        using var request = Post(extra: ("breakwater-defer", "2h"));
        using var accepted = await sut.Client.SendAsync(request);
        var id = (await Json(accepted)).GetProperty("id").GetString()!;

        using var other = await Get(sut, id, "sk-ant-someone-else");
        using var unknown = await Get(sut, "job_00000000000000000000000000000000", "sk-ant-caller-1");
        using var anonymous = await sut.Client.GetAsync(new Uri("/v1/breakwater/jobs/" + id, UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal("not_found_error", (await Json(other)).GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, anonymous.StatusCode);
    }

    [Fact]
    public async Task Managed_DeferredJob_UsesGatewayKeyUpstream()
    {
        var sut = await CreateSut(o =>
        {
            o.Auth.Mode = GatewayAuthMode.Managed;
            o.Auth.GatewayKeys = ["gw-key-1"];
            o.Auth.UpstreamApiKey = "sk-ant-upstream";
        });
        sut.Upstream.Default = FakeUpstream.Overloaded();
        using var request = Post(key: "gw-key-1", extra: ("breakwater-defer", "1h"));
        using var accepted = await sut.Client.SendAsync(request);
        var id = (await Json(accepted)).GetProperty("id").GetString()!;
        var calls = sut.Upstream.Requests.Count;

        sut.Upstream.Default = FakeUpstream.Json(200, FakeUpstream.MessageJson);
        await Drain(sut);
        using var done = await Get(sut, id, "gw-key-1");

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal("sk-ant-upstream", sut.Upstream.Requests.Skip(calls).Single().Header("x-api-key"));
    }

    /// <summary>The shipped deferral defaults (QuietPeriod 5 min, MinQuietPeriod 30 s, PollInterval 5 s) over the test ones.</summary>
    private static void Defaults(GatewayOptions o)
    {
        var shipped = new GatewayDeferralOptions();
        o.Deferral.QuietPeriod = shipped.QuietPeriod;
        o.Deferral.MinQuietPeriod = shipped.MinQuietPeriod;
        o.Deferral.PollInterval = shipped.PollInterval;
    }

    private static async Task<Breakwater.Deferral.DeferredJob> Job(GatewayHarness sut, string id)
    {
        var store = (await sut.App.Services.GetRequiredService<DeferralRuntime>().GetStoreAsync(create: false, CancellationToken.None))!;
        return (await store.ListAsync()).Single(j => j.Id == id);
    }

    private static int CallsOf(GatewayHarness sut, string key) => sut.Upstream.Requests.Count(r => r.Header("x-api-key") == key);

    private static async Task<HttpResponseMessage> Get(GatewayHarness sut, string id, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/breakwater/jobs/" + id);
        request.Headers.TryAddWithoutValidation("x-api-key", key);
        return await sut.Client.SendAsync(request);
    }

    private static string ReadAll(string path)
    {
        if (!File.Exists(path))
        {
            return string.Empty;
        }

        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var sr = new StreamReader(fs, Encoding.Latin1);
        return sr.ReadToEnd();
    }

    public async ValueTask DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
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
