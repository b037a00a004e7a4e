using Breakwater.Status;
using Microsoft.Extensions.Time.Testing;

namespace Breakwater.Tests.Status;

public sealed class StatusPageMonitorTests : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 15, 0, TimeSpan.Zero));
    private string _document = StatusFixtures.SummaryWithIncident;

    private (StatusPageMonitor Monitor, StubStatusHandler Handler, StatusPageClient Client) CreateSut()
    {
        // The test class owns the chain: the HttpClient (and through it the handler), the client and the monitor.
        var handler = StubStatusHandler.Json(() => _document);
        var http = new HttpClient(handler);
        _owned.Add(http);
        var client = new StatusPageClient(http, new StatusPageOptions { BaseUrl = new Uri("http://127.0.0.1:9/") }, _time);
        _owned.Add(client);
        var monitor = new StatusPageMonitor(client, _time);
        _owned.Add(monitor);
        return (monitor, handler, client);
    }

    public void Dispose()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }
    }

    [Fact]
    public void ActiveIncidentLink_NotStarted_IsNullAndNothingFetched()
    {
        var (monitor, handler, _) = CreateSut();
        using var _ = monitor;

        Assert.Null(monitor.ActiveIncidentLink);
        Assert.Null(monitor.Current);
        Assert.Equal(0, handler.Calls);
    }

    [Fact]
    public async Task Start_ActiveIncident_ExposesNameAndShortlink()
    {
        var (monitor, _, _) = CreateSut();
        using var _ = monitor;

        monitor.Start();
        await monitor.LastRefresh;

        Assert.Equal("Elevated errors on Claude Sonnet 4.5", monitor.ActiveIncident?.Name);
        Assert.Equal("https://stspg.io/f6x8xqk7", monitor.ActiveIncidentLink);
    }

    [Fact]
    public async Task Start_IncidentResolvedByNextPoll_ClearsLink()
    {
        var (monitor, handler, _) = CreateSut();
        using var _ = monitor;
        monitor.Start();
        await monitor.LastRefresh;

        _document = StatusFixtures.SummaryOperational;
        _time.Advance(TimeSpan.FromSeconds(60));
        await monitor.LastRefresh;

        Assert.Equal(2, handler.Calls);
        Assert.Null(monitor.ActiveIncidentLink);
        Assert.Equal(StatusIndicator.None, monitor.Current?.Indicator);
    }

    [Fact]
    public async Task Start_PageBecomesMalformed_KeepsLastKnownIncident()
    {
        var (monitor, _, _) = CreateSut();
        using var _ = monitor;
        monitor.Start();
        await monitor.LastRefresh;

        _document = "<html>maintenance</html>";
        _time.Advance(TimeSpan.FromSeconds(60));
        await monitor.LastRefresh;

        Assert.Equal("https://stspg.io/f6x8xqk7", monitor.ActiveIncidentLink);
    }

    [Fact]
    public async Task RefreshAsync_IncidentWithoutShortlink_FallsBackToPageAddress()
    {
        _document = """{"status": {"indicator": "minor"}, "incidents": [{"id": "z", "name": "Slow", "status": "investigating"}]}""";
        var (monitor, _, _) = CreateSut();
        using var _ = monitor;

        await monitor.RefreshAsync();

        Assert.Equal("http://127.0.0.1:9/", monitor.ActiveIncidentLink);
    }

    [Fact]
    public async Task Dispose_AfterStart_StopsPolling()
    {
        var (monitor, handler, _) = CreateSut();
        monitor.Start();
        await monitor.LastRefresh;

        monitor.Dispose();
        _time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(1, handler.Calls);
    }
}
