using System.Text;
using Breakwater.Simulator;
using Breakwater.Simulator.Scenarios;
using Breakwater.Simulator.Time;

namespace Breakwater.Cli.Demo;

/// <summary>
/// Plays a slice of a scenario: the same Poisson arrivals go to two identical in-process simulators, one called directly
/// (the way most code calls the API: one attempt, status checked, nothing kept) and one through Breakwater with its
/// defaults and the scenario's fallback chain. Scenario time is a <see cref="VirtualTimeProvider"/> moved by the run
/// itself, and every arrival is a timer at its own scenario time, so the counts depend only on the scenario and the
/// seed: <see cref="DemoSettings.WallSeconds"/> only sets how fast the run is shown (the CLI paces the ticks in real
/// time to fit it; tests pass their own clock and nothing waits in real time).
/// </summary>
/// <param name="settings">What to play.</param>
/// <param name="virtualTime">A virtual clock to play on without waiting in real time (tests); <c>null</c> (the CLI) plays on one paced to real time.</param>
internal sealed class DemoRunner(DemoSettings settings, VirtualTimeProvider? virtualTime = null)
{
    private const string DemoKey = "demo-key-not-a-real-credential";

    public async Task<DemoResult> RunAsync(Action<DemoProgress>? progress, CancellationToken cancellationToken)
    {
        var scenario = ScenarioCatalog.Resolve(settings.Scenario);
        var window = DemoWindow.For(scenario);
        var scale = Math.Max(1, window.TotalSeconds / settings.WallSeconds);
        using var demoClock = new VirtualDemoClock(virtualTime ?? new VirtualTimeProvider(), scale, virtualTime is null ? TimeProvider.System : null);
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
        var callsGate = new Lock();
        var released = 0;
        var origin = clock.GetUtcNow();

        // Each arrival at its own scenario time, whatever the tick: the counts do not depend on how fast the run is shown.
        var timers = new List<ITimer>(arrivals.Count);
        foreach (var arrival in arrivals)
        {
            timers.Add(clock.CreateTimer(
                _ =>
                {
                    var a = CallAsync(direct, arrival, unprotected, clock, window, cancellationToken);
                    var b = CallAsync(guardedInvoker, arrival, guarded, clock, window, cancellationToken);
                    lock (callsGate)
                    {
                        calls.Add(a);
                        calls.Add(b);
                    }

                    Interlocked.Increment(ref released);
                },
                null,
                TimeSpan.FromSeconds(arrival.At),
                Timeout.InfiniteTimeSpan));
        }

        var stormModel = window.Scenario.Incidents.FirstOrDefault()?.Model;
        demoClock.Start();
        var end = origin + TimeSpan.FromSeconds(window.TotalSeconds);
        try
        {
            while (clock.GetUtcNow() < end && !cancellationToken.IsCancellationRequested)
            {
                var now = (clock.GetUtcNow() - origin).TotalSeconds;
                ObserveLimiter(guardedHandler, guarded, stormModel);
                progress?.Invoke(new DemoProgress(now, window, unprotected, guarded, CapacityNow(window.Scenario, now)));
                if (Volatile.Read(ref released) >= arrivals.Count && unprotected.InFlight == 0 && guarded.InFlight == 0)
                {
                    break;
                }

                await demoClock.WaitForTickAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var timer in timers)
            {
                timer.Dispose();
            }
        }

        Task all;
        lock (callsGate)
        {
            all = Task.WhenAll(calls);
        }

        await demoClock.WaitForAsync(all, TimeSpan.FromSeconds(window.Scenario.DeadlineSeconds)).ConfigureAwait(false);
        return new DemoResult(scenario, window, unprotected, guarded, TimeProvider.System.GetElapsedTime(started), scale, settings.Seed);
    }

    /// <summary>One look at the adaptive limit of the incident's model (else the tightest) and the calls waiting for it.</summary>
    private static void ObserveLimiter(BreakwaterHandler handler, DemoPathStats stats, string? model)
    {
        var health = handler.GetHealth();
        if (health.Count == 0)
        {
            return;
        }

        var focus = health.Where(h => h.Model == model).ToList() is { Count: > 0 } storm ? storm : health;
        stats.OnLimiter(focus.Min(h => h.ConcurrencyLimit), health.Sum(h => h.Queued));
    }

    private static async Task CallAsync(HttpMessageInvoker invoker, Arrival arrival, DemoPathStats stats, TimeProvider clock, DemoWindow window, CancellationToken cancellationToken)
    {
        stats.OnSent();
        var start = clock.GetUtcNow();
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
                stats.OnSucceeded(clock.GetUtcNow() - start);
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
