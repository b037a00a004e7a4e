using System.Net;
using System.Text;
using System.Text.Json;
using Breakwater.Gateway.Features.Auth;
using Breakwater.Gateway.Features.Jobs;
using Breakwater.Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Breakwater.Gateway.Tests.Jobs;

public sealed class DeferralGatewayTests : IAsyncDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "breakwater-gateway-tests", "jobs-" + Guid.NewGuid().ToString("N"));
    private GatewayHarness? _harness;

    private async Task<GatewayHarness> CreateSut(Action<GatewayOptions>? configure = null)
    {
        _harness = await GatewayHarness.StartAsync(o =>
        {
            o.Deferral.Path = Path.Combine(_dir, "jobs.db");
            o.Deferral.PollInterval = TimeSpan.FromHours(1);
            o.Deferral.QuietPeriod = TimeSpan.Zero;
            o.Breakwater.CircuitBreaker.Enabled = false;
            o.Breakwater.Throttle.Enabled = false;
            configure?.Invoke(o);
        });
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
