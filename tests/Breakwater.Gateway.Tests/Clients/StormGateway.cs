using Breakwater.Gateway.Features.Dashboard;
using Breakwater.Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Breakwater.Gateway.Tests.Clients;

/// <summary>A gateway in front of a <see cref="StormUpstream"/>, with the fallback chain opus → sonnet configured.</summary>
internal sealed class StormGateway : IAsyncDisposable
{
    public const string Opus = "claude-opus-4-6";
    public const string Sonnet = "claude-sonnet-4-6";

    private StormGateway(StormUpstream storm, GatewayHarness gateway)
    {
        Storm = storm;
        Gateway = gateway;
    }

    public StormUpstream Storm { get; }

    public GatewayHarness Gateway { get; }

    /// <summary>The gateway address without a trailing slash, as clients take a base URL.</summary>
    public string BaseUrl => Gateway.Address.ToString().TrimEnd('/');

    /// <summary>Requests the gateway answered on the Messages routes (each client call; a client's own retry would count again).</summary>
    public TrafficTotals Totals => Gateway.App.Services.GetRequiredService<TrafficRecorder>().Snapshot().Totals;

    /// <summary>
    /// Starts the storm and the gateway. Product defaults throughout (breaker, budget, retries; the harness only zeroes
    /// retry waits), plus the chain, a break duration that spans the test so no half-open probe lands mid-test, and
    /// fail-fast on an open breaker so a call without a fallback answers at once. <paramref name="time"/> is the gateway's
    /// clock (default the system's; the simulator behind it always runs in real time).
    /// </summary>
    public static async Task<StormGateway> StartAsync(bool withFallback = true, TimeProvider? time = null)
    {
        #pragma warning disable CA2000 // Ownership moves to the returned StormGateway, whose DisposeAsync disposes both; a failed start disposes the storm below.
        var storm = await StormUpstream.StartAsync();
        try
        {
            var gateway = await GatewayHarness.StartAsync(
                o =>
                {
                    o.Upstream = storm.Address.ToString();
                    o.Breakwater.CircuitBreaker.BreakDuration = TimeSpan.FromMinutes(2);

                    // With no model to fall back to, a call would otherwise wait out the two-minute break (the default).
                    o.Breakwater.CircuitBreaker.WhenOpen = Breakwater.Health.BreakerOpenBehavior.FailFast;
                    if (withFallback)
                    {
                        o.Breakwater.Fallback.Add(Opus, Sonnet);
                    }
                },
                time);
            return new StormGateway(storm, gateway);
        }
        catch
        {
            await storm.DisposeAsync();
            throw;
        }
        #pragma warning restore CA2000
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Storm.DisposeAsync();
    }
}
