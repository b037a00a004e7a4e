using Breakwater.Tests.TestKit;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Breakwater.Tests.Telemetry;

/// <summary>
/// The instruments of <c>Meter("Breakwater")</c>. Each handler made on its own has its own meter; tests still use their
/// own client name and read only measurements tagged with it.
/// </summary>
public sealed class MetricsTests
{
    private const string Model = "claude-sonnet-4-6";

    private sealed class Sut : IDisposable
    {
        private readonly MetricCollector<long>[] _all;

        public Sut(Func<int, HttpResponseMessage> script, Action<BreakwaterOptions>? configure)
        {
            Name = "metrics-" + Guid.NewGuid().ToString("N");
            Time = new ObservableTimeProvider();
            Upstream = new ScriptedHandler(Time, script);
            var options = new BreakwaterOptions { Name = Name };
            configure?.Invoke(options);
            #pragma warning disable CA2000 // Ownership moves to Invoker, which disposes the handler chain; Dispose disposes Invoker.
            var handler = new BreakwaterHandler(options, Time, new FixedRandom(0)) { InnerHandler = Upstream };
            #pragma warning restore CA2000
            Invoker = new HttpMessageInvoker(handler);

            // A handler made on its own has a meter of its own: no other test's measurements reach these collectors.
            var metrics = handler.Pipeline.Client.Metrics;
            Attempts = new MetricCollector<long>(metrics.Attempts);
            Failures = new MetricCollector<long>(metrics.Failures);
            Retries = new MetricCollector<long>(metrics.Retries);
            GiveUps = new MetricCollector<long>(metrics.GiveUps);
            BudgetExhausted = new MetricCollector<long>(metrics.BudgetExhausted);
            Duration = new MetricCollector<double>(metrics.AttemptDuration);
            _all = [Attempts, Failures, Retries, GiveUps, BudgetExhausted];
        }

        public string Name { get; }
        public ObservableTimeProvider Time { get; }
        public ScriptedHandler Upstream { get; }
        public HttpMessageInvoker Invoker { get; }
        public MetricCollector<long> Attempts { get; }
        public MetricCollector<long> Failures { get; }
        public MetricCollector<long> Retries { get; }
        public MetricCollector<long> GiveUps { get; }
        public MetricCollector<long> BudgetExhausted { get; }
        public MetricCollector<double> Duration { get; }

        public async Task Send(int calls = 1)
        {
            for (var i = 0; i < calls; i++)
            {
                using var request = Api.Request();
                using var response = await TimeLoop.Run(Time, Invoker.SendAsync(request, CancellationToken.None), TimeSpan.FromMilliseconds(5));
            }
        }

        /// <summary>This test's measurements of <paramref name="collector"/>.</summary>
        public List<CollectedMeasurement<T>> Mine<T>(MetricCollector<T> collector)
            where T : struct =>
            collector.GetMeasurementSnapshot().Where(m => m.Tags.TryGetValue("client", out var c) && Name.Equals(c as string, StringComparison.Ordinal)).ToList();

        public IEnumerable<KeyValuePair<string, object?>> AllMyTags() =>
            _all.SelectMany(c => Mine(c)).SelectMany(m => m.Tags).Concat(Mine(Duration).SelectMany(m => m.Tags));

        public void Dispose()
        {
            foreach (var c in _all)
            {
                c.Dispose();
            }

            Duration.Dispose();
            Invoker.Dispose();
        }
    }

    private static Sut CreateSut(Func<int, HttpResponseMessage> script, Action<BreakwaterOptions>? configure = null) => new(script, configure);

    private static string? Tag<T>(CollectedMeasurement<T> m, string key)
        where T : struct =>
        m.Tags.TryGetValue(key, out var v) ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) : null;

    [Fact]
    public async Task Attempts_Overloaded2TimesThenOk_CountsEveryAttemptWithOutcomeModelAndStatus()
    {
        using var sut = CreateSut(n => n < 2 ? Api.Overloaded($"req_{n}") : Api.Ok("req_ok"));

        await sut.Send();

        var attempts = sut.Mine(sut.Attempts);
        Assert.Equal(3, attempts.Sum(m => m.Value));
        Assert.Equal(["Overloaded", "Overloaded", "success"], attempts.Select(m => Tag(m, "outcome")));
        Assert.Equal(["529", "529", "200"], attempts.Select(m => Tag(m, "status")));
        Assert.All(attempts, m => Assert.Equal(Model, Tag(m, "model")));
        Assert.Equal(3, sut.Mine(sut.Duration).Count);
    }

    [Fact]
    public async Task Failures_MixedErrors_CountedByKindAndModel()
    {
        using var sut = CreateSut(n => n switch
        {
            0 => Api.Overloaded("req_0"),
            1 => Api.Error(500, "api_error", "req_1"),
            _ => Api.Ok("req_ok"),
        });

        await sut.Send();

        var failures = sut.Mine(sut.Failures);
        Assert.Equal(["Overloaded", "ApiError"], failures.Select(m => Tag(m, "kind")));
        Assert.All(failures, m => Assert.Equal(Model, Tag(m, "model")));
        Assert.All(failures, m => Assert.Equal(1, m.Value));
    }

    [Fact]
    public async Task Retries_OneRetryPerScheduledWait_TaggedWithKind()
    {
        using var sut = CreateSut(n => n < 3 ? Api.Overloaded($"req_{n}") : Api.Ok("req_ok"));

        await sut.Send();

        var retries = sut.Mine(sut.Retries);
        Assert.Equal(3, retries.Sum(m => m.Value));
        Assert.All(retries, m => Assert.Equal("Overloaded", Tag(m, "kind")));
        Assert.All(retries, m => Assert.Equal(Model, Tag(m, "model")));
        Assert.Empty(sut.Mine(sut.GiveUps));
    }

    [Fact]
    public async Task GiveUps_AttemptsAndNotRetryable_TaggedWithTheReason()
    {
        using var sut = CreateSut(n => n < 5 ? Api.Overloaded($"req_{n}") : Api.Error(400, "invalid_request_error", $"req_{n}"));

        await sut.Send(calls: 2);

        var giveUps = sut.Mine(sut.GiveUps);
        Assert.Equal(["attempts", "not-retryable"], giveUps.Select(m => Tag(m, "reason")));
        Assert.All(giveUps, m => Assert.Equal(Model, Tag(m, "model")));
        Assert.Equal(6, sut.Mine(sut.Attempts).Sum(m => m.Value));
        Assert.Equal(4, sut.Mine(sut.Retries).Sum(m => m.Value));
    }

    [Fact]
    public async Task BudgetExhausted_EmptyBudget_CountedOnceWithABudgetGiveUp()
    {
        using var sut = CreateSut(n => Api.Overloaded($"req_{n}"), o =>
        {
            o.Budget.MinRetries = 1;
            o.Budget.Ratio = 0;
        });

        await sut.Send();

        // One retry is in the budget; the second is refused.
        Assert.Equal(2, sut.Upstream.Count);
        Assert.Equal(1, Assert.Single(sut.Mine(sut.BudgetExhausted)).Value);
        Assert.Equal("budget", Tag(Assert.Single(sut.Mine(sut.GiveUps)), "reason"));
    }

    [Fact]
    public async Task AllInstruments_CallsCarryingAKey_NoTagHoldsTheKey()
    {
        using var sut = CreateSut(n => n switch
        {
            0 => Api.Overloaded("req_0"),
            1 => Api.Error(429, "rate_limit_error", "req_1", ("retry-after", "1")),
            2 => Api.Ok("req_2"),
            _ => Api.Error(401, "authentication_error", $"req_{n}"),
        });

        await sut.Send(calls: 2);

        var tags = sut.AllMyTags().ToArray();
        Assert.NotEmpty(tags);
        Assert.Contains(sut.Upstream.Requests[0].Headers, h => h.Value == Api.Key);
        Assert.DoesNotContain(tags, t => Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture)?.Contains("sk-ant", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(tags, t => t.Key.Contains("key", StringComparison.OrdinalIgnoreCase) || t.Key.Contains("auth", StringComparison.OrdinalIgnoreCase));
    }
}
