using System.Text;
using Breakwater.Simulator;
using Breakwater.Simulator.Scenarios;
using Breakwater.Simulator.Time;

namespace Breakwater.Cli.Demo;

/// <summary>
/// Plays a slice of a scenario in real time, time-scaled to fit <see cref="DemoSettings.WallSeconds"/>: the same
/// Poisson arrivals go to two identical in-process simulators, one called directly (the way most code calls the API:
/// one attempt, status checked, nothing kept) and one through Breakwater with its defaults and the scenario's fallback chain.
/// Given a <see cref="VirtualTimeProvider"/> (tests), it plays the same run in virtual time instead: the same ticks of
/// scenario time, none of them waited for in real time.
/// </summary>
/// <param name="settings">What to play.</param>
/// <param name="virtualTime">A virtual clock to play on, moved by the run itself; <c>null</c> (the CLI) plays in real time, scaled.</param>
internal sealed class DemoRunner(DemoSettings settings, VirtualTimeProvider? virtualTime = null)
{
    private const string DemoKey = "demo-key-not-a-real-credential";

    public async Task<DemoResult> RunAsync(Action<DemoProgress>? progress, CancellationToken cancellationToken)
    {
        var scenario = ScenarioCatalog.Resolve(settings.Scenario);
        var window = DemoWindow.For(scenario);
        var scale = Math.Max(1, window.TotalSeconds / settings.WallSeconds);
        using var demoClock = virtualTime is null ? (DemoClock)new ScaledDemoClock(scale) : new VirtualDemoClock(virtualTime, scale);
        var clock = demoClock.Time;
        var started = TimeProvider.System.GetTimestamp();

        using var directSim = new Simulator.Simulator(new SimulatorOptions { Scenario = window.Scenario, Seed = settings.Seed, TimeProvider = clock });
        using var protectedSim = new Simulator.Simulator(new SimulatorOptions { Scenario = window.Scenario, Seed = settings.Seed, TimeProvider = clock });
        var unprotected = new DemoPathStats("No protection");
        var guarded = new DemoPathStats("Breakwater");

        var options = new BreakwaterOptions
        {
            Name = "demo",
            TotalDeadline = TimeSpan.FromSeconds(window.Scenario.DeadlineSeconds),
            AttemptTimeout = TimeSpan.FromSeconds(window.Scenario.AttemptTimeoutSeconds),
        };
        if (window.Scenario.FallbackChain.Count > 1)
        {
            options.Fallback.Add([.. window.Scenario.FallbackChain]);
        }

        using var directHandler = new CountingHandler(unprotected) { InnerHandler = directSim.CreateHandler() };
        using var direct = new HttpMessageInvoker(directHandler, disposeHandler: false);
        using var guardedHandler = new BreakwaterHandler(options, clock, new Random(settings.Seed), null, new DemoIncidentSink(guarded))
        {
            InnerHandler = new CountingHandler(guarded) { InnerHandler = protectedSim.CreateHandler() },
        };
        using var guardedInvoker = new HttpMessageInvoker(guardedHandler, disposeHandler: false);

        var arrivals = Arrivals(window, settings.Seed);
        var calls = new List<Task>(arrivals.Count * 2);
        var origin = clock.GetUtcNow();
        demoClock.Start();
        var next = 0;
        var end = origin + TimeSpan.FromSeconds(window.TotalSeconds);
        while (clock.GetUtcNow() < end && !cancellationToken.IsCancellationRequested)
        {
            var now = (clock.GetUtcNow() - origin).TotalSeconds;
            while (next < arrivals.Count && arrivals[next].At <= now)
            {
                var a = arrivals[next++];
                calls.Add(CallAsync(direct, a, unprotected, clock, window, cancellationToken));
                calls.Add(CallAsync(guardedInvoker, a, guarded, clock, window, cancellationToken));
            }

            progress?.Invoke(new DemoProgress(now, window, unprotected, guarded, CapacityNow(window.Scenario, now)));
            if (next >= arrivals.Count && unprotected.InFlight == 0 && guarded.InFlight == 0)
            {
                break;
            }

            await demoClock.WaitForTickAsync(cancellationToken).ConfigureAwait(false);
        }

        await demoClock.WaitForAsync(Task.WhenAll(calls), TimeSpan.FromSeconds(window.Scenario.DeadlineSeconds)).ConfigureAwait(false);
        return new DemoResult(scenario, window, unprotected, guarded, TimeProvider.System.GetElapsedTime(started), scale, settings.Seed);
    }

    private static async Task CallAsync(HttpMessageInvoker invoker, Arrival arrival, DemoPathStats stats, TimeProvider clock, DemoWindow window, CancellationToken cancellationToken)
    {
        stats.OnSent();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(window.Scenario.DeadlineSeconds), clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://simulator.local/v1/messages")
        {
            Content = new StringContent(arrival.Body, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("x-api-key", DemoKey);
        request.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");
        request.Options.Set(SimulatedUpstream.ServiceTimeOption, arrival.ServiceTime);
        try
        {
            using var response = await invoker.SendAsync(request, linked.Token).ConfigureAwait(false);
            await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                stats.OnSucceeded();
                if (response.Headers.Contains(BreakwaterHeaders.FallbackFrom))
                {
                    stats.OnFallback();
                }

            }
            else
            {
                stats.OnFailed(KindOf(response));
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            stats.OnFailed("deadline passed");
        }
        catch (HttpRequestException)
        {
            stats.OnFailed("connection failed");
        }

    }

    private static string KindOf(HttpResponseMessage response) => (int)response.StatusCode switch
    {
        529 => "529 overloaded",
        429 => "429 rate limited",
        503 when !response.Headers.Contains("request-id") => "503 proxy page",
        >= 500 => $"{(int)response.StatusCode} server error",
        var s => $"{s} client error",
    };

    private static double CapacityNow(Scenario scenario, double t) =>
        scenario.Load.Count == 0 ? 1 : scenario.Models.Where(m => scenario.OfferedRateAt(m, t) > 0).Select(m => scenario.CapacityAt(m, t)).DefaultIfEmpty(1).Min();

    /// <summary>Poisson arrivals per model over the arrival window, with pinned service times, from the seed.</summary>
    internal static List<Arrival> Arrivals(DemoWindow window, int seed)
    {
        var random = new Random(seed);
        var list = new List<Arrival>();
        var scenario = window.Scenario;
        foreach (var model in scenario.Models)
        {
            var t = 0.0;
            while (true)
            {
                var rate = scenario.OfferedRateAt(model, t);
                if (rate <= 0)
                {
                    // No load at this moment: look a second later (load phases may start later).
                    t += 1;
                    if (t >= window.ArrivalSeconds)
                    {
                        break;
                    }

                    continue;
                }

                t += -Math.Log(1 - random.NextDouble()) / rate;
                if (t >= window.ArrivalSeconds)
                {
                    break;
                }

                var service = LogNormal(random, model.ServiceMeanSeconds, model.ServiceSigma);
                var stream = random.NextDouble() < scenario.StreamingFraction;
                var body = $"{{\"model\":\"{model.Name}\",\"max_tokens\":512,\"messages\":[{{\"role\":\"user\",\"content\":\"Summarise the incident report.\"}}]{(stream ? ",\"stream\":true" : "")}}}";
                list.Add(new Arrival(t, body, TimeSpan.FromSeconds(service)));
            }
        }

        list.Sort((a, b) => a.At.CompareTo(b.At));
        return list;
    }

    private static double LogNormal(Random random, double mean, double sigma)
    {
        // mean of a lognormal is exp(mu + sigma²/2)
        var mu = Math.Log(mean) - (sigma * sigma / 2);
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        var z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        return Math.Exp(mu + (sigma * z));
    }

    internal sealed record Arrival(double At, string Body, TimeSpan ServiceTime);
}
