using System.Diagnostics.Metrics;
using Breakwater.Tests.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Breakwater.Tests.Telemetry;

public sealed class HealthGaugeTests
{
    [Fact]
    public async Task Gauges_AfterACall_ReportTheModelsConcurrencyLimitAndBreakerState()
    {
        var name = "gauge-client-" + Guid.NewGuid().ToString("N");
        var time = new ObservableTimeProvider();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var breakwaterHandler = new BreakwaterHandler(new BreakwaterOptions { Name = name }, time, meterFactory: meters)
        {
            InnerHandler = new ScriptedHandler(time, n => Api.Ok($"req_{n}")),
        };
        using var invoker = new HttpMessageInvoker(breakwaterHandler);
        using var limit = new MetricCollector<int>(meters, "Breakwater", "breakwater.concurrency.limit");
        using var breaker = new MetricCollector<int>(meters, "Breakwater", "breakwater.breaker.state");

        using var request = Api.Request();
        using var response = await invoker.SendAsync(request, CancellationToken.None);
        limit.RecordObservableInstruments();
        breaker.RecordObservableInstruments();

        var mine = limit.GetMeasurementSnapshot().Where(m => Equals(m.Tags["client"], name)).ToList();
        var single = Assert.Single(mine);
        Assert.Equal(4096, single.Value);
        Assert.Equal("claude-sonnet-4-6", single.Tags["model"]);
        Assert.Equal(0, Assert.Single(breaker.GetMeasurementSnapshot(), m => Equals(m.Tags["client"], name)).Value);
    }
}
