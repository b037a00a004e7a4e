using Breakwater.Cli.Commands;
using Breakwater.Simulator.Benchmark;
using Breakwater.Simulator.Scenarios;

namespace Breakwater.Cli.Tests.CommandLine;

public sealed class BenchModeOptionTests
{
    [Theory]
    [InlineData("--mode", "gatway")]
    [InlineData("--mode", "tenant-sdk-default")]
    public async Task RunAsync_UnknownMode_IsAUsageErrorExit2(params string[] mode)
    {
        var file = Path.Combine(Path.GetTempPath(), $"bw-cli-{Guid.NewGuid():N}.json");

        var (exit, output, error) = await CliRun.RunAsync(["bench", "policies", .. mode, "--json", file]);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("--mode must be one of clients, gateway, tenant, all", error, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task RunAsync_QuickWithAValue_IsAUsageErrorExit2()
    {
        var (exit, output, _) = await CliRun.RunAsync("bench", "policies", "--quick=maybe");

        Assert.Equal(2, exit);
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData("clients", new[] { "clients" })]
    [InlineData("gateway", new[] { "gateway" })]
    [InlineData("TENANT", new[] { "tenant-sdk-default", "tenant-agent-10" })]
    [InlineData("all", new[] { "clients", "gateway", "tenant-sdk-default", "tenant-agent-10" })]
    public void Resolve_Mode_TheModesInReportOrder(string value, string[] expected)
    {
        var (scenarios, modes) = BenchCommand.Resolve(new BenchCommand.Settings { Mode = value });

        Assert.Equal(expected, modes.Select(m => m.Name));
        Assert.Equal(ScenarioCatalog.BuiltInNames.Count, scenarios.Count);
    }

    [Fact]
    public void Resolve_Default_EveryScenarioInEveryMode()
    {
        var (scenarios, modes) = BenchCommand.Resolve(new BenchCommand.Settings());

        Assert.Equal(BenchMode.All, modes);
        Assert.Equal(Simulator.Scenarios.ScenarioCatalog.BuiltInNames, scenarios.Select(s => s.Name));
    }

    [Fact]
    public void Resolve_Quick_TheStormsInClientsAndGatewayModes()
    {
        var (scenarios, modes) = BenchCommand.Resolve(new BenchCommand.Settings { Quick = true });

        Assert.Equal(["flash-storm", "metastable"], scenarios.Select(s => s.Name));
        Assert.Equal(["clients", "gateway"], modes.Select(m => m.Name));
    }

    [Fact]
    public void Resolve_QuickNarrowed_ByScenarioAndMode()
    {
        var (scenarios, modes) = BenchCommand.Resolve(new BenchCommand.Settings { Quick = true, Scenario = "metastable", Mode = "gateway" });

        Assert.Equal("metastable", Assert.Single(scenarios).Name);
        Assert.Equal("gateway", Assert.Single(modes).Name);
    }

    [Fact]
    public async Task RunAsync_BenchHelp_ListsModesAndQuick()
    {
        var (_, output, _) = await CliRun.RunAsync("bench", "policies", "--help");

        Assert.Contains("--mode", output, StringComparison.Ordinal);
        Assert.Contains("--quick", output, StringComparison.Ordinal);
        foreach (var mode in BenchMode.All)
        {
            Assert.Contains(mode.Name, output, StringComparison.Ordinal);
        }
    }
}
