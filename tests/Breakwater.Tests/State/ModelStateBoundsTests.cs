using System.Diagnostics.Metrics;
using Breakwater.Fallback;
using Breakwater.State;
using Breakwater.Telemetry;
using Breakwater.Tests.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Breakwater.Tests.State;

public sealed class ModelStateBoundsTests
{
    private static ClientState Client(BreakwaterRegistry registry, Action<ModelStateOptions>? configure = null)
    {
        var options = new BreakwaterOptions { Name = "bounds-" + Guid.NewGuid().ToString("N") };
        configure?.Invoke(options.ModelState);
        return registry.Get(options);
    }

    [Fact]
    public async Task TwentyThousandUniqueModels_StateStaysWithinTheCap_AndAModelInFlightIsKept()
    {
        var time = new ObservableTimeProvider();
        using var registry = new BreakwaterRegistry(time);
        var client = Client(registry);
        var busy = client.Model("claude-sonnet-4-5");
        var lease = await busy.Limiter.AcquireAsync(TimeSpan.Zero, CancellationToken.None);
        Assert.NotNull(lease);

        var most = 0;
        for (var i = 0; i < 20_000; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(1));
            client.Model("junk-" + i);
            most = Math.Max(most, client.ModelCount);
        }

        Assert.True(most <= 1000, $"at most {most} models");
        Assert.True(client.ModelCount >= 900);
        Assert.Same(busy, client.Model("claude-sonnet-4-5"));
        // The most recent names are the ones kept.
        Assert.Contains(client.Models, m => m.Model == "junk-19999");
        Assert.DoesNotContain(client.Models, m => m.Model == "junk-0");
    }

    [Fact]
    public void AboveTheCap_TheLeastRecentlyUsedGoFirst()
    {
        var time = new ObservableTimeProvider();
        using var registry = new BreakwaterRegistry(time);
        var client = Client(registry, o => o.MaxModels = 10);
        for (var i = 0; i < 10; i++)
        {
            client.Model("m" + i);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var kept = client.Model("m0");
        time.Advance(TimeSpan.FromSeconds(1));
        client.Model("m10");

        // 11 > 10: pruned to 9, the oldest (m1, m2) first; m0 was just used.
        Assert.Equal(9, client.ModelCount);
        Assert.Same(kept, client.Model("m0"));
        Assert.DoesNotContain(client.Models, m => m.Model is "m1" or "m2");
        Assert.Contains(client.Models, m => m.Model == "m10");
    }

    [Fact]
    public async Task IdleExpiry_DropsModelsUnusedThatLong_NotOnesWithACallInFlight()
    {
        var time = new ObservableTimeProvider();
        using var registry = new BreakwaterRegistry(time);
        var client = Client(registry, o => o.IdleExpiry = TimeSpan.FromMinutes(10));
        var idle = client.Model("claude-haiku-4-5");
        var busy = client.Model("claude-opus-4-1");
        var lease = await busy.Limiter.AcquireAsync(TimeSpan.Zero, CancellationToken.None);

        time.Advance(TimeSpan.FromMinutes(9));
        client.Model("fresh-1");
        Assert.Equal(3, client.ModelCount);

        // Swept at most every half of the expiry: 15 minutes in, the idle one is 15 minutes old, fresh-1 only 6.
        time.Advance(TimeSpan.FromMinutes(6));
        client.Model("fresh-2");

        Assert.DoesNotContain(client.Models, m => ReferenceEquals(m, idle));
        Assert.Same(busy, client.Model("claude-opus-4-1"));
        Assert.Contains(client.Models, m => m.Model == "fresh-1");
        Assert.NotSame(idle, client.Model("claude-haiku-4-5"));
    }

    [Fact]
    public async Task EveryModelBusy_TheNewOneIsStillKept_TheCapGivesWayOnlyToCallsInFlight()
    {
        var time = new ObservableTimeProvider();
        using var registry = new BreakwaterRegistry(time);
        var client = Client(registry, o => o.MaxModels = 2);
        var a = client.Model("a");
        var b = client.Model("b");
        Assert.NotNull(await a.Limiter.AcquireAsync(TimeSpan.Zero, CancellationToken.None));
        Assert.NotNull(await b.Limiter.AcquireAsync(TimeSpan.Zero, CancellationToken.None));

        time.Advance(TimeSpan.FromSeconds(1));
        var c = client.Model("c");

        Assert.Equal(3, client.ModelCount);
        Assert.Same(c, client.Model("c"));
        Assert.Same(a, client.Model("a"));
        Assert.Same(b, client.Model("b"));
    }

    [Fact]
    public void IdleExpiryZero_KeepsEverythingUnderTheCap()
    {
        var time = new ObservableTimeProvider();
        using var registry = new BreakwaterRegistry(time);
        var client = Client(registry, o => o.IdleExpiry = TimeSpan.Zero);
        var first = client.Model("a");
        time.Advance(TimeSpan.FromDays(30));
        client.Model("b");

        Assert.Same(first, client.Model("a"));
    }

    [Fact]
    public void Validate_RefusesANegativeIdleExpiryAndAZeroCap()
    {
        var options = new BreakwaterOptions();
        options.ModelState.IdleExpiry = TimeSpan.FromSeconds(-1);
        options.ModelState.MaxModels = 0;

        var problems = options.Validate();

        Assert.Contains(problems, p => p.Contains("Breakwater:ModelState:IdleExpiry", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("MaxModels", StringComparison.Ordinal));
    }

    [Fact]
    public void ModelLabels_PastTheCap_Other_FallbackModelsAdmittedFirst()
    {
        var labels = new ModelLabels(3, ["claude-opus-4-1", "claude-sonnet-4-5"]);

        Assert.Equal("m1", labels.Of("m1"));
        Assert.Equal(ModelLabels.Other, labels.Of("m2"));
        Assert.Equal("claude-sonnet-4-5", labels.Of("claude-sonnet-4-5"));
        Assert.Equal("m1", labels.Of("m1"));
        Assert.Equal("", labels.Of(""));
    }

    [Fact]
    public async Task Metrics_ManyModels_CarryAtMostTheCapOfNamesThenOther_AndGaugesOnlyForNamedOnes()
    {
        var name = "labels-client-" + Guid.NewGuid().ToString("N");
        var time = new ObservableTimeProvider();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        var options = new BreakwaterOptions { Name = name };
        options.ModelState.MaxMetricModels = 3;
        options.Fallback.Chains.Add(new FallbackChain { Models = ["claude-opus-4-1", "claude-sonnet-4-5"], Enabled = false });
        using var handler = new BreakwaterHandler(options, time, meterFactory: meters)
        {
            InnerHandler = new ScriptedHandler(time, n => Api.Ok($"req_{n}")),
        };
        using var invoker = new HttpMessageInvoker(handler);
        using var attempts = new MetricCollector<long>(meters, "Breakwater", "breakwater.attempts");
        using var limit = new MetricCollector<int>(meters, "Breakwater", "breakwater.concurrency.limit");

        foreach (var model in new[] { "m-a", "m-b", "m-c", "claude-sonnet-4-5", "m-a" })
        {
            using var request = Api.Request(model: model);
            using var response = await invoker.SendAsync(request, CancellationToken.None);
        }

        limit.RecordObservableInstruments();
        var tags = attempts.GetMeasurementSnapshot().Where(m => Equals(m.Tags["client"], name)).Select(m => (string)m.Tags["model"]!).ToList();
        Assert.Equal(["m-a", "other", "other", "claude-sonnet-4-5", "m-a"], tags);
        var gauged = limit.GetMeasurementSnapshot().Where(m => Equals(m.Tags["client"], name)).Select(m => (string)m.Tags["model"]!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["claude-sonnet-4-5", "m-a"], gauged);
    }
}
