using System.ComponentModel;
using System.Reflection;
using Breakwater.Cli.Doctor;
using Breakwater.Simulator.Benchmark;
using Spectre.Console.Cli;

namespace Breakwater.Cli.Tests.CommandLine;

public sealed class HelpTests
{
    [Theory]
    [InlineData(new[] { "help" }, new[] { "--help" })]
    [InlineData(new[] { "help", "serve" }, new[] { "serve", "--help" })]
    [InlineData(new[] { "help", "bench", "policies" }, new[] { "bench", "policies", "--help" })]
    public async Task RunAsync_HelpCommand_PrintsWhatDashDashHelpPrints(string[] help, string[] dashDash)
    {
        var a = await CliRun.RunAsync(help);
        var b = await CliRun.RunAsync(dashDash);

        Assert.Equal(0, a.Exit);
        Assert.Equal(b.Out, a.Out);
        Assert.Contains("USAGE:", a.Out, StringComparison.Ordinal);
        Assert.Equal("", a.Err);
    }

    [Fact]
    public async Task RunAsync_RootHelp_ShowsTheExitCodeTable()
    {
        var (exit, output, _) = await CliRun.RunAsync("--help");

        Assert.Equal(0, exit);
        Assert.Contains("EXIT CODES:", output, StringComparison.Ordinal);
        foreach (var (code, meaning) in ExitCodes.General)
        {
            Assert.Contains(code, output, StringComparison.Ordinal);
            Assert.Contains(meaning.Split(':')[0], output, StringComparison.Ordinal);
        }

        Assert.Contains("breakwater help <command>", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_RootHelp_ListsExactlyTheCommandsTheRegistryKnows()
    {
        var (_, output, _) = await CliRun.RunAsync("--help");

        var listed = output[output.IndexOf("COMMANDS:", StringComparison.Ordinal)..]
            .Split('\n').Skip(1).TakeWhile(l => l.Trim().Length > 0)
            .Where(l => l.Length > 4 && l.StartsWith("    ", StringComparison.Ordinal) && l[4] != ' ')
            .Select(l => l.Trim().Split(' ')[0])
            .ToHashSet();

        var expected = CommandRegistry.SettingsByCommand.Keys.Select(k => k.Split(' ')[0]).ToHashSet();
        Assert.Subset(listed, expected);
        Assert.Superset(listed, expected);
    }

    [Fact]
    public async Task RunAsync_ServeHelp_NamesEveryConfigurationSource()
    {
        var (_, output, _) = await CliRun.RunAsync("serve", "--help");

        Assert.Contains("appsettings.json", output, StringComparison.Ordinal);
        Assert.Contains("BREAKWATER__", output, StringComparison.Ordinal);
        Assert.Contains("--config", output, StringComparison.Ordinal);
        Assert.Contains("(default: 8529", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_DoctorHelp_ListsEveryVerdictsExitCode()
    {
        var (_, output, _) = await CliRun.RunAsync("doctor", "--help");

        foreach (var verdict in Enum.GetValues<DoctorVerdict>())
        {
            Assert.Contains(
                output.Split('\n'),
                l => l.TrimStart().StartsWith(verdict.ExitCode().ToString(System.Globalization.CultureInfo.InvariantCulture) + " ", StringComparison.Ordinal)
                     && l.Contains(verdict.Name() + ":", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task RunAsync_BenchHelp_ExplainsEveryColumn()
    {
        var (_, output, _) = await CliRun.RunAsync("bench", "policies", "--help");

        Assert.Contains("COLUMNS:", output, StringComparison.Ordinal);
        foreach (var header in BenchmarkText.Headers.Concat(BenchmarkText.WorkHeaders.Skip(2)).Concat(BenchmarkText.DeferralHeaders.Skip(2)))
        {
            Assert.False(string.IsNullOrWhiteSpace(HelpFooters.BenchColumns.GetValueOrDefault(header)), header);
            Assert.Contains(output.Split('\n'), l => l.TrimStart().StartsWith(header + " ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Options_EveryValueOption_StatesItsDefaultInOneStyle()
    {
        foreach (var (command, settings) in CommandRegistry.SettingsByCommand)
        {
            foreach (var property in settings.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetCustomAttribute<CommandOptionAttribute>() is not { } option || property.PropertyType == typeof(bool))
                {
                    continue;
                }

                var description = property.GetCustomAttribute<DescriptionAttribute>()?.Description ?? "";
                Assert.True(
                    description.Contains("(default: ", StringComparison.Ordinal) && !description.Contains("Default ", StringComparison.Ordinal),
                    $"{command} --{option.LongNames[0]}: \"{description}\" should end with (default: …)");
            }
        }
    }

    [Fact]
    public async Task RunAsync_Version_PrintsTheToolVersion()
    {
        var (exit, output, _) = await CliRun.RunAsync("--version");

        Assert.Equal(0, exit);
        Assert.Equal(CommandRegistry.ToolVersion(), output.Trim());
    }
}
