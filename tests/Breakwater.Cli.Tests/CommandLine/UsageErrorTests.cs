using System.Net;
using System.Net.Sockets;

namespace Breakwater.Cli.Tests.CommandLine;

public sealed class UsageErrorTests
{
    [Theory]
    [InlineData("--prot", "--port", "serve", "--prot", "9999")]
    [InlineData("--scenaro", "--scenario", "simulate", "--scenaro", "flash-storm")]
    [InlineData("--jsn", "--json", "bench", "policies", "--jsn", "out.json")]
    [InlineData("--sedd", "--seed", "demo", "--sedd", "2")]
    [InlineData("--sinc", "--since", "incidents", "--sinc", "1h")]
    [InlineData("--stat", "--state", "jobs", "--stat", "queued")]
    [InlineData("--jsno", "--json", "doctor", "--jsno")]
    public async Task RunAsync_MistypedOption_NamesItAndTheClosestOneOnStderrExit2(string typed, string closest, params string[] args)
    {
        var (exit, output, error) = await CliRun.RunAsync(args);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains($"Unknown option '{typed}'", error, StringComparison.Ordinal);
        Assert.Contains($"Did you mean '{closest}'?", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_BenchWithMistypedJson_WritesNothing()
    {
        var file = Path.Combine(Path.GetTempPath(), $"bw-cli-{Guid.NewGuid():N}.json");

        var (exit, _, _) = await CliRun.RunAsync("bench", "policies", "--scenario", "steady", "--jsn", file);

        Assert.Equal(2, exit);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task RunAsync_OptionNothingLike_ListsTheCommandsOptions()
    {
        var (exit, _, error) = await CliRun.RunAsync("serve", "--frobnicate");

        Assert.Equal(2, exit);
        Assert.Contains("Unknown option '--frobnicate' for 'breakwater serve'", error, StringComparison.Ordinal);
        Assert.Contains("--port, --upstream, --config, --listen", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("demo", "demoo")]
    [InlineData("serve", "serv")]
    [InlineData("incidents", "incidnets")]
    public async Task RunAsync_MistypedCommand_SuggestsTheCommandExit2(string closest, string typed)
    {
        var (exit, output, error) = await CliRun.RunAsync(typed);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains($"Unknown command '{typed}'", error, StringComparison.Ordinal);
        Assert.Contains($"Did you mean '{closest}'?", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MistypedSubcommand_SuggestsTheBranchsCommand()
    {
        var (exit, _, error) = await CliRun.RunAsync("bench", "polices");

        Assert.Equal(2, exit);
        Assert.Contains("Did you mean 'policies'?", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_BranchAlone_IsAUsageError()
    {
        var (exit, _, error) = await CliRun.RunAsync("bench");

        Assert.Equal(2, exit);
        Assert.Contains("'breakwater bench' needs a command: policies", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("expected a whole number", "serve", "--port", "abc")]
    [InlineData("expected a number", "simulate", "--time-scale", "fast")]
    [InlineData("expected a whole number", "bench", "policies", "--seed=x")]
    public async Task RunAsync_ValueOfTheWrongType_SaysWhatWasExpectedExit2(string expected, params string[] args)
    {
        var (exit, _, error) = await CliRun.RunAsync(args);

        Assert.Equal(2, exit);
        Assert.Contains("Invalid value", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("Nullable`1", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SettingsValidationFails_IsAUsageErrorOnStderr()
    {
        var (exit, output, error) = await CliRun.RunAsync("demo", "--seconds", "1");

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("--seconds must be between 3 and 600", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ServeMissingConfig_NamesTheFullPathExit2()
    {
        var name = $"bw-missing-{Guid.NewGuid():N}.json";

        var (exit, output, error) = await CliRun.RunAsync("serve", "--config", name);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains(Path.GetFullPath(name), error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ServeConfigWithUnknownKey_ListsItWithTheClosestKeyExit2()
    {
        var file = Path.Combine(Path.GetTempPath(), $"bw-cli-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{ "Prot": 9999, "Breakwater": { "Retri": { } } }""");
        try
        {
            var (exit, output, error) = await CliRun.RunAsync("serve", "--config", file);

            Assert.Equal(2, exit);
            Assert.Equal("", output);
            Assert.Contains("Prot (in " + file + ")", error, StringComparison.Ordinal);
            Assert.Contains("did you mean Port?", error, StringComparison.Ordinal);
            Assert.Contains("did you mean Breakwater:Retry?", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task RunAsync_ServeOnAPortInUse_OneLineOnStderrExit1()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exit, output, error) = await CliRun.RunAsync("serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.Contains("already in use", line, StringComparison.Ordinal);
        Assert.Contains("--port", line, StringComparison.Ordinal);
    }
}
