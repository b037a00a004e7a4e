using System.Net;
using System.Text;
using Breakwater.Gateway.Features.Proxy;
using Breakwater.Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Breakwater.Gateway.Tests.Features.Proxy;

public sealed class ClientRetryDetectorTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(GatewayHarness.MessagesBody);

    private static (ClientRetryDetector Sut, FakeTimeProvider Time) CreateSut(TimeSpan? window = null)
    {
        var time = new FakeTimeProvider();
        return (new ClientRetryDetector(new GatewayOptions { ClientRetryWindow = window ?? TimeSpan.FromMinutes(2) }, time), time);
    }

    private static HttpRequest Request(string key = "sk-ant-a", string? retryCount = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = "/v1/messages";
        context.Request.Headers["x-api-key"] = key;
        if (retryCount is not null)
        {
            context.Request.Headers["x-stainless-retry-count"] = retryCount;
        }

        return context.Request;
    }

    [Fact]
    public void Inspect_FirstRequest_NotARetry()
    {
        var (sut, _) = CreateSut();

        Assert.False(sut.Inspect(Request(), Body).IsRetry);
    }

    [Fact]
    public void Inspect_StainlessRetryCountAboveZero_IsRetry()
    {
        var (sut, _) = CreateSut();

        var verdict = sut.Inspect(Request(retryCount: "2"), Body);

        Assert.True(verdict.IsRetry);
        Assert.Equal("x-stainless-retry-count", verdict.Reason);
    }

    [Fact]
    public void Inspect_SameBodySameCredentialWithinWindow_IsRetry()
    {
        var (sut, time) = CreateSut();
        sut.Ended(sut.Inspect(Request(retryCount: "0"), Body).Fingerprint);
        time.Advance(TimeSpan.FromSeconds(119));

        Assert.True(sut.Inspect(Request(retryCount: "0"), Body).IsRetry);
    }

    [Fact]
    public void Inspect_SameBodyAfterWindow_NotARetry()
    {
        var (sut, time) = CreateSut();
        sut.Ended(sut.Inspect(Request(), Body).Fingerprint);
        time.Advance(TimeSpan.FromSeconds(121));

        Assert.False(sut.Inspect(Request(), Body).IsRetry);
    }

    [Fact]
    public void Inspect_SameBodyWhileAnIdenticalCopyIsInFlight_NotARetry()
    {
        // Best-of-N sampling or a load test sends one prompt several times at once: each copy is a call of its own.
        var (sut, _) = CreateSut();
        var first = sut.Inspect(Request(), Body);

        Assert.False(sut.Inspect(Request(), Body).IsRetry);
        Assert.False(sut.Inspect(Request(), Body).IsRetry);

        // Once a copy ended without success, the same body again is the client's retry of it.
        sut.Ended(first.Fingerprint);
        Assert.True(sut.Inspect(Request(), Body).IsRetry);
    }

    [Fact]
    public void Inspect_SameBodyOtherCredential_NotARetry()
    {
        var (sut, _) = CreateSut();
        sut.Ended(sut.Inspect(Request("sk-ant-a"), Body).Fingerprint);

        Assert.False(sut.Inspect(Request("sk-ant-b"), Body).IsRetry);
    }

    [Fact]
    public void Inspect_SameBodyAfterForget_NotARetry()
    {
        var (sut, _) = CreateSut();
        var first = sut.Inspect(Request(), Body);
        sut.Ended(first.Fingerprint);
        sut.Forget(first.Fingerprint);

        Assert.False(sut.Inspect(Request(), Body).IsRetry);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(64 * 1024)]
    [InlineData(64 * 1024 + 1)]
    [InlineData(300_000)]
    public void Inspect_BodyOfAnySize_SameBodyIsRetryAndOneChangedByteIsNot(int size)
    {
        var (sut, _) = CreateSut();
        var body = new byte[size];
        new Random(size).NextBytes(body);
        var changed = (byte[])body.Clone();
        changed[^1] ^= 1;

        var first = sut.Inspect(Request(), body);
        Assert.False(first.IsRetry);
        sut.Ended(first.Fingerprint);
        Assert.True(sut.Inspect(Request(), body).IsRetry);
        Assert.False(sut.Inspect(Request(), changed).IsRetry);
        Assert.False(sut.Inspect(Request(key: "sk-ant-other"), body).IsRetry);
    }

    [Fact]
    public void Inspect_WindowZero_OnlyHeaderCounts()
    {
        var (sut, _) = CreateSut(TimeSpan.Zero);
        sut.Ended(sut.Inspect(Request(), Body).Fingerprint);

        Assert.False(sut.Inspect(Request(), Body).IsRetry);
        Assert.True(sut.Inspect(Request(retryCount: "1"), Body).IsRetry);
    }

    // End to end: a budget of exactly one retry per window (MinRetries 1, Ratio 0). A client retry spends it,
    // so a later overloaded call can no longer be retried. Fake time keeps the budget window from sliding.
    private static Task<GatewayHarness> CreateBudgetSut() => GatewayHarness.StartAsync(
        o =>
        {
            o.Breakwater.Budget.MinRetries = 1;
            o.Breakwater.Budget.Ratio = 0;
        },
        new FakeTimeProvider());

    private static async Task<HttpResponseMessage> OverloadedOnceAsync(GatewayHarness sut)
    {
        sut.Upstream.Enqueue(FakeUpstream.Overloaded());
        using var request = GatewayHarness.Post("/v1/messages", """{"model":"claude-sonnet-4-5","max_tokens":1,"messages":[{"role":"user","content":"other"}]}""");
        return await sut.Client.SendAsync(request);
    }

    [Fact]
    public async Task Gateway_StainlessRetryCount_DrawsOnRetryBudget()
    {
        await using var sut = await CreateBudgetSut();
        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody, ("x-stainless-retry-count", "1"));
        using var clientRetry = await sut.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, clientRetry.StatusCode);

        using var later = await OverloadedOnceAsync(sut);

        Assert.Equal(529, (int)later.StatusCode);
        Assert.Equal("budget", later.Headers.GetValues("breakwater-giveup").Single());
    }

    [Fact]
    public async Task Gateway_RepeatedBodyAfterFailure_DrawsOnRetryBudget()
    {
        await using var sut = await CreateBudgetSut();
        sut.Upstream.Enqueue(FakeUpstream.Json(400, """{"type":"error","error":{"type":"invalid_request_error","message":"x"}}"""));
        using var firstRequest = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody, ("x-stainless-retry-count", "0"));
        using var first = await sut.Client.SendAsync(firstRequest);
        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody, ("x-stainless-retry-count", "0"));
        using var repeat = await sut.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);

        using var later = await OverloadedOnceAsync(sut);

        Assert.Equal("budget", later.Headers.GetValues("breakwater-giveup").Single());
    }

    [Fact]
    public async Task Gateway_RepeatedBodyAfterSuccess_IsANewCall()
    {
        await using var sut = await CreateBudgetSut();
        using var firstRequest = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody);
        using var first = await sut.Client.SendAsync(firstRequest);
        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody);
        using var again = await sut.Client.SendAsync(request);

        using var later = await OverloadedOnceAsync(sut);

        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        Assert.Equal("2", later.Headers.GetValues("breakwater-attempts").Single());
    }

    [Fact]
    public async Task Gateway_IdenticalBodyWhileTheFirstIsInFlight_IsANewCallAndKeepsItsRetry()
    {
        // One retry in the budget. Two copies of one prompt at once (best-of-N): the second is not the client's retry of
        // the first, so the budget's one retry is still there when its first attempt meets a 529.
        await using var sut = await CreateBudgetSut();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sut.Upstream.Enqueue(FakeUpstream.Hang(release), FakeUpstream.Overloaded());
        using var firstRequest = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody);
        var first = sut.Client.SendAsync(firstRequest);
        Assert.True(SpinWait.SpinUntil(() => sut.Upstream.Requests.Count == 1, 10_000));

        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody);
        using var second = await sut.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("2", second.Headers.GetValues("breakwater-attempts").Single());
        release.TrySetResult();
        using var firstResponse = await first;
        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
    }
}
