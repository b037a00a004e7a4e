using Breakwater.Cli.Commands;
using Breakwater.Simulator.Scenarios;

namespace Breakwater.Cli.Tests.Simulate;

/// <summary>The startup lines of <c>breakwater simulate</c> about the background load, and its <c>--background</c> option.</summary>
public sealed class SimulateTextTests
{
    [Fact]
    public void BackgroundLine_FlashStorm_SaysTheOfferedRate()
        => Assert.Equal(
            "Background load: the scenario's other users, 8.4 requests/s on claude-sonnet-4-5, in the same slots as your requests (--background off to stop them).",
            SimulateText.BackgroundLine(ScenarioCatalog.Get("flash-storm"), on: true));

    [Fact]
    public void BackgroundLine_OpusOutage_ListsEveryModelsRate()
        => Assert.Contains(
            "1.4 requests/s on claude-opus-4-1, 7.2 requests/s on claude-sonnet-4-5, 12 requests/s on claude-haiku-4-5",
            SimulateText.BackgroundLine(ScenarioCatalog.Get("opus-outage"), on: true),
            StringComparison.Ordinal);

    [Fact]
    public void BackgroundLine_Metastable_SaysTheLoadChanges()
        => Assert.Contains(
            "9.6 requests/s on claude-sonnet-4-5, changing as the scenario's load phases say",
            SimulateText.BackgroundLine(ScenarioCatalog.Get("metastable"), on: true),
            StringComparison.Ordinal);

    [Fact]
    public void BackgroundLine_Off_SaysOnlyYourRequests()
        => Assert.Equal(
            "Background load: off (--background off): only your requests reach the capacity model.",
            SimulateText.BackgroundLine(ScenarioCatalog.Get("flash-storm"), on: false));

    [Fact]
    public void BackgroundLine_ScenarioWithoutLoad_SaysNone()
        => Assert.StartsWith(
            "Background load: none",
            SimulateText.BackgroundLine(ScenarioCatalog.Get("steady") with { Load = [] }, on: true),
            StringComparison.Ordinal);

    [Theory]
    [InlineData("on", true)]
    [InlineData("off", false)]
    [InlineData("OFF", false)]
    public void Background_OnOrOff_IsValid(string value, bool on)
    {
        var settings = new SimulateCommand.Settings { Background = value };

        Assert.True(settings.Validate().Successful);
        Assert.Equal(on, settings.BackgroundOn);
    }

    [Fact]
    public void Background_Default_IsOn() => Assert.True(new SimulateCommand.Settings().BackgroundOn);

    [Theory]
    [InlineData("no")]
    [InlineData("")]
    public void Background_AnythingElse_IsAUsageErrorNamingTheOption(string value)
    {
        var result = new SimulateCommand.Settings { Background = value }.Validate();

        Assert.False(result.Successful);
        Assert.Contains("--background must be on or off", result.Message, StringComparison.Ordinal);
    }
}
