using System.Net;
using Breakwater.Status;
using Microsoft.Extensions.Time.Testing;

namespace Breakwater.Tests.Status;

public sealed class StatusPageClientTests : IDisposable
{
    private readonly List<HttpClient> _clients = [];
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 15, 0, TimeSpan.Zero));

    private StatusPageClient CreateSut(StubStatusHandler handler, StatusPageOptions? options = null)
    {
        // A StatusPageClient does not own an HttpClient it is given; the test class does (and the client its handler).
        var http = new HttpClient(handler);
        _clients.Add(http);
        return new(http, options ?? new StatusPageOptions { BaseUrl = new Uri("http://127.0.0.1:9/") }, _time);
    }

    public void Dispose()
    {
        foreach (var http in _clients)
        {
            http.Dispose();
        }
    }

    [Fact]
    public async Task GetSummaryAsync_Operational_RequestsSummaryPath()
    {
        using var handler = StubStatusHandler.Json(() => StatusFixtures.SummaryOperational);
        using var sut = CreateSut(handler, new StatusPageOptions { BaseUrl = new Uri("http://127.0.0.1:9/status") });

        var result = await sut.GetSummaryAsync();

        Assert.True(result.IsKnown);
        Assert.Equal(StatusIndicator.None, result.Indicator);
        Assert.Equal("http://127.0.0.1:9/status/api/v2/summary.json", Assert.Single(handler.Requests).AbsoluteUri);
    }

    [Fact]
    public async Task GetSummaryAsync_WithinCacheDuration_FetchesOnce()
    {
        using var handler = StubStatusHandler.Json(() => StatusFixtures.SummaryOperational);
        using var sut = CreateSut(handler);

        await sut.GetSummaryAsync();
        _time.Advance(TimeSpan.FromSeconds(29));
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => sut.GetSummaryAsync()));

        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task GetSummaryAsync_AfterCacheDuration_FetchesAgain()
    {
        using var handler = StubStatusHandler.Json(() => StatusFixtures.SummaryOperational);
        using var sut = CreateSut(handler);

        await sut.GetSummaryAsync();
        _time.Advance(TimeSpan.FromSeconds(30));
        await sut.GetSummaryAsync();

        Assert.Equal(2, handler.Calls);
    }

    [Fact]
    public async Task GetSummaryAsync_CacheBelowMinimum_StillCachesThirtySeconds()
    {
        using var handler = StubStatusHandler.Json(() => StatusFixtures.SummaryOperational);
        using var sut = CreateSut(handler, new StatusPageOptions { BaseUrl = new Uri("http://127.0.0.1:9/"), CacheDuration = TimeSpan.FromSeconds(1) });

        await sut.GetSummaryAsync();
        _time.Advance(TimeSpan.FromSeconds(10));
        await sut.GetSummaryAsync();

        Assert.Equal(1, handler.Calls);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, "http 503")]
    [InlineData(HttpStatusCode.NotFound, "http 404")]
    public async Task GetSummaryAsync_ErrorStatus_ReadsAsUnknown(HttpStatusCode status, string reason)
    {
        using var handler = StubStatusHandler.Json(() => "<html>oops</html>", status);
        using var sut = CreateSut(handler);

        var result = await sut.GetSummaryAsync();

        Assert.False(result.IsKnown);
        Assert.Equal(reason, result.Error);
    }

    [Fact]
    public async Task GetSummaryAsync_ConnectionRefused_ReadsAsUnknownAndIsCached()
    {
        using var handler = new StubStatusHandler((_, _) => throw new HttpRequestException(HttpRequestError.ConnectionError, "refused"));
        using var sut = CreateSut(handler);

        var first = await sut.GetSummaryAsync();
        var second = await sut.GetSummaryAsync();

        Assert.False(first.IsKnown);
        Assert.StartsWith("unreachable", first.Error, StringComparison.Ordinal);
        Assert.Same(first, second);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task GetSummaryAsync_UnexpectedException_ReadsAsUnknown()
    {
        using var handler = new StubStatusHandler((_, _) => throw new InvalidOperationException("boom"));
        using var sut = CreateSut(handler);

        var result = await sut.GetSummaryAsync();

        Assert.False(result.IsKnown);
        Assert.Contains("InvalidOperationException", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetSummaryAsync_PageHangs_TimesOutAfterThreeSecondsOfFakeTime()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var handler = new StubStatusHandler(async (_, ct) =>
        {
            entered.SetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            throw new InvalidOperationException("unreachable");
        });
        using var sut = CreateSut(handler);

        var pending = sut.GetSummaryAsync();
        await entered.Task;
        Assert.False(pending.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(3));
        var result = await pending;

        Assert.False(result.IsKnown);
        Assert.Equal("timeout", result.Error);
    }

    [Fact]
    public async Task GetSummaryAsync_CallerCancels_ReturnsUnknownWithoutThrowing()
    {
        using var handler = new StubStatusHandler(async (_, ct) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            throw new InvalidOperationException("unreachable");
        });
        using var sut = CreateSut(handler);
        using var cts = new CancellationTokenSource();

        var pending = sut.GetSummaryAsync(cts.Token);
        await cts.CancelAsync();
        var result = await pending;

        Assert.False(result.IsKnown);
        Assert.Equal("cancelled", result.Error);
    }

    [Fact]
    public async Task GetSummaryAsync_DocumentTooLarge_ReadsAsUnknown()
    {
        var huge = "{\"status\":{\"indicator\":\"none\"},\"pad\":\"" + new string('x', 5000) + "\"}";
        using var handler = StubStatusHandler.Json(() => huge);
        using var sut = CreateSut(handler, new StatusPageOptions { BaseUrl = new Uri("http://127.0.0.1:9/"), MaxDocumentBytes = 1024 });

        var result = await sut.GetSummaryAsync();

        Assert.False(result.IsKnown);
        Assert.Equal("document too large", result.Error);
    }

    [Fact]
    public async Task GetIncidentsAsync_AndUnresolved_UseTheirOwnPathsAndCaches()
    {
        using var handler = StubStatusHandler.Json(() => StatusFixtures.IncidentsList);
        using var sut = CreateSut(handler);

        var all = await sut.GetIncidentsAsync();
        var open = await sut.GetUnresolvedIncidentsAsync();
        await sut.GetIncidentsAsync();

        Assert.True(all.IsKnown);
        Assert.Equal(2, all.Incidents.Count);
        Assert.True(open.IsKnown);
        Assert.Equal(2, handler.Calls);
        Assert.Contains(handler.Requests, u => u.AbsolutePath == "/api/v2/incidents.json");
        Assert.Contains(handler.Requests, u => u.AbsolutePath == "/api/v2/incidents/unresolved.json");
    }
}
