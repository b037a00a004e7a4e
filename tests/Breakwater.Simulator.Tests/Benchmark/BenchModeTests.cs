using System.Text.Json;
using Breakwater.Simulator.Benchmark;

namespace Breakwater.Simulator.Tests.Benchmark;

public class BenchModeTests
{
    private static readonly BenchMode TenantSdk = BenchMode.Tenant(BenchPolicies.SdkDefault);

    private static T OffContext<T>(Func<T> run) => Task.Run(run).GetAwaiter().GetResult();

    private static (ModeTrace Trace, List<BreakwaterOptions> Options) RunBreakwater(BenchMode mode)
    {
        var scenario = BenchKit.ShortStorm();
        var plan = ArrivalPlan.Generate(scenario, 3);
        var options = new List<BreakwaterOptions>();
        var trace = OffContext(() => PolicyRun.Run(scenario, plan, BenchPolicies.Breakwater, 3, mode, configure: options.Add));
        return (trace, options);
    }

    [Fact]
    public void Run_Gateway_OneBreakwaterInstanceWithTheGatewaysOptions()
    {
        var (trace, options) = RunBreakwater(BenchMode.Gateway);

        var only = Assert.Single(options);
        Assert.Equal("gateway", only.Name);
        Assert.Equal(PolicyRun.GatewayMinLimit, only.Concurrency.MinLimit);
        Assert.Null(trace.Background);
        Assert.Equal(ArrivalPlan.Generate(BenchKit.ShortStorm(), 3).Count, trace.Tested.Plan.Count);
        Assert.True(trace.Tested.Outcomes.Count(o => o.Succeeded) > 0);
    }

    [Fact]
    public void Run_Clients_OneBreakwaterInstancePerClient()
    {
        var (_, options) = RunBreakwater(BenchMode.Clients);

        Assert.Equal(Enumerable.Range(0, ArrivalPlan.DefaultClients).Select(i => $"client-{i}"), options.Select(o => o.Name));
        Assert.All(options, o => Assert.Equal(new BreakwaterOptions().Concurrency.MinLimit, o.Concurrency.MinLimit));
    }

    [Fact]
    public void Run_Tenant_BreakwaterOnClients0To9Only_SharesSplit20To80()
    {
        var (trace, options) = RunBreakwater(TenantSdk);

        Assert.Equal(Enumerable.Range(0, BenchMode.TenantClients).Select(i => $"client-{i}"), options.Select(o => o.Name));
        var background = Assert.IsType<RunTrace>(trace.Background);
        Assert.All(trace.Tested.Plan, p => Assert.InRange(p.Client, 0, BenchMode.TenantClients - 1));
        Assert.All(background.Plan, p => Assert.InRange(p.Client, BenchMode.TenantClients, ArrivalPlan.DefaultClients - 1));
        var total = trace.Tested.Plan.Count + background.Plan.Count;
        Assert.Equal(ArrivalPlan.Generate(BenchKit.ShortStorm(), 3).Count, total);
        Assert.InRange(trace.Tested.Plan.Count / (double)total, 0.15, 0.25);
    }

    [Fact]
    public void Run_TenantOfTheBackgroundPolicyItself_SharesAddUpToTheClientsRun()
    {
        // sdk-default beside sdk-default is the clients-mode sdk-default fleet, same jitter per client: the two shares'
        // figures must add up to that run's, request for request.
        var scenario = BenchKit.ShortStorm();
        var plan = ArrivalPlan.Generate(scenario, 5);
        var whole = OffContext(() => PolicyRun.Run(scenario, plan, BenchPolicies.SdkDefault, 5));
        var split = OffContext(() => PolicyRun.Run(scenario, plan, BenchPolicies.SdkDefault, 5, TenantSdk));

        var background = split.Background!;
        Assert.Equal(whole.AttemptTimes.Count, split.Tested.AttemptTimes.Count + background.AttemptTimes.Count);
        Assert.Equal(whole.EarlyRetries, split.Tested.EarlyRetries + background.EarlyRetries);
        foreach (var share in new[] { split.Tested, background })
        {
            for (var k = 0; k < share.Plan.Count; k++)
            {
                var index = share.Plan[k].Index;
                Assert.Equal(whole.Outcomes[index], share.Outcomes[k]);
                Assert.Equal(whole.AttemptsPerRequest[index], share.AttemptsPerRequest[k]);
            }
        }
    }

    [Fact]
    public void Run_Tenant_TestedShareWithoutRetries_OneAttemptPerRequest()
    {
        var scenario = BenchKit.ShortStorm();
        var plan = ArrivalPlan.Generate(scenario, 2);

        var trace = OffContext(() => PolicyRun.Run(scenario, plan, BenchPolicies.None, 2, TenantSdk));

        Assert.Equal(trace.Tested.Plan.Count, trace.Tested.AttemptTimes.Count);
        Assert.True(trace.Background!.AttemptTimes.Count > trace.Background.Plan.Count, "the sdk-default background retries in a storm");
    }

    [Fact]
    public void Runner_EveryMode_ReportsEachWithSeparateTenantFigures()
    {
        var report = OffContext(() => BenchmarkRunner.Run([BenchKit.ShortStorm()], 1, modes: BenchMode.All));

        Assert.Equal(BenchMode.All.Select(m => m.Name), report.Modes.Select(m => m.Mode.Name));
        var tenant = report.Modes.First(m => m.Mode.Kind == BenchModeKind.Tenant).Scenarios[0];
        var backgrounds = Assert.IsAssignableFrom<IReadOnlyList<PolicyResult>>(tenant.Backgrounds);
        Assert.Equal(tenant.Policies.Count, backgrounds.Count);
        var requests = report.Modes[0].Scenarios[0].Policies[0].Requests;
        for (var i = 0; i < tenant.Policies.Count; i++)
        {
            Assert.Equal(BenchPolicies.SdkDefault, backgrounds[i].Policy);
            Assert.Equal(requests, tenant.Policies[i].Requests + backgrounds[i].Requests);

            // Judged by its own success, not against the oracle.
            Assert.Equal(tenant.Policies[i].SuccessRate, tenant.Policies[i].GoodputFraction);
        }

        Assert.All(report.Modes.Where(m => m.Mode.Kind != BenchModeKind.Tenant), m => Assert.Null(m.Scenarios[0].Backgrounds));
    }

    [Fact]
    public void ToJson_EveryMode_ClientsSectionIsTheClientsOnlyReport()
    {
        var clients = OffContext(() => BenchmarkRunner.Run([BenchKit.ShortStorm()], 1));
        var all = OffContext(() => BenchmarkRunner.Run([BenchKit.ShortStorm()], 1, modes: BenchMode.All));
        using var one = JsonDocument.Parse(clients.ToJson());
        using var every = JsonDocument.Parse(all.ToJson());

        Assert.Equal(["seed", "modes"], every.RootElement.EnumerateObject().Select(p => p.Name));
        var modes = every.RootElement.GetProperty("modes").EnumerateArray().ToList();
        Assert.Equal(["clients", "gateway", "tenant-sdk-default", "tenant-agent-10"], modes.Select(m => m.GetProperty("mode").GetString()));
        Assert.Equal(
            one.RootElement.GetProperty("modes")[0].GetProperty("scenarios").GetRawText(),
            modes[0].GetProperty("scenarios").GetRawText());

        var tenant = modes[2];
        Assert.Equal(["mode", "background", "testedClients", "scenarios"], tenant.EnumerateObject().Select(p => p.Name));
        Assert.Equal(BenchMode.TenantClients, tenant.GetProperty("testedClients").GetInt32());
        var scenario = tenant.GetProperty("scenarios")[0];
        Assert.Equal(["name", "policies"], scenario.EnumerateObject().Select(p => p.Name));
        var row = scenario.GetProperty("policies")[0];
        Assert.False(row.TryGetProperty("goodputFraction", out _));
        Assert.Equal(
            ["policy", "requests", "succeeded", "successRate", "amplification", "p99Ms"],
            row.GetProperty("background").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Plain_EveryMode_OneTitledTablePerMode()
    {
        var report = OffContext(() => BenchmarkRunner.Run([BenchKit.ShortStorm()], 1, modes: BenchMode.All));

        var text = BenchmarkText.Plain(report);

        foreach (var mode in BenchMode.All)
        {
            Assert.Contains(BenchmarkText.Title(mode) + "\n", text, StringComparison.Ordinal);
        }

        Assert.Equal(BenchMode.TenantBackgrounds.Count, text.Split('\n').Count(l => l.Contains("bg success", StringComparison.Ordinal)));
        Assert.Equal(2, text.Split('\n').Count(l => l.StartsWith("short-storm: oracle successes", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("gateway")]
    [InlineData("tenant-sdk-default")]
    public void Run_BreakwaterDefer_JobsOnlyForTheTestedShareAndTheyFinish(string name)
    {
        var mode = BenchMode.All.Single(m => m.Name == name);
        var scenario = DeferralBenchmarkTests.ShortIncident();
        var plan = ArrivalPlan.Generate(scenario, 3);

        var trace = OffContext(() => PolicyRun.Run(scenario, plan, BenchPolicies.BreakwaterDefer, 3, mode));
        var deferral = Metrics.ComputeDeferral(trace.Tested);

        Assert.True(deferral.Deferred > 0);
        Assert.Equal(0, deferral.JobsUnfinished);
        Assert.Equal(deferral.Deferred, deferral.JobsSucceeded + deferral.JobsExpired + deferral.JobsFailed);
        Assert.All(trace.Tested.Plan.Where((_, k) => trace.Tested.Deferred![k] is not null), p => Assert.True(p.Deferrable && mode.IsTested(p.Client)));
        Assert.Null(trace.Background?.Deferred);
    }
}
