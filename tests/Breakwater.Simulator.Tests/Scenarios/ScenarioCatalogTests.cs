using Breakwater.Simulator.Scenarios;

namespace Breakwater.Simulator.Tests.Scenarios;

public class ScenarioCatalogTests
{
    public static TheoryData<string> BuiltIns() => [.. ScenarioCatalog.BuiltInNames];

    [Theory]
    [MemberData(nameof(BuiltIns))]
    public void Get_EveryBuiltIn_LoadsValidatesAndRoundTrips(string name)
    {
        var scenario = ScenarioCatalog.Get(name);

        Assert.Equal(name, scenario.Name);
        Assert.True(scenario.RunSeconds > 0);
        Assert.Equal(3, scenario.Models.Count);
        Assert.NotEmpty(scenario.Load);
        var again = ScenarioCatalog.Parse(ScenarioCatalog.ToJson(scenario));
        Assert.Equal(ScenarioCatalog.ToJson(scenario), ScenarioCatalog.ToJson(again));
    }

    [Fact]
    public void Get_FlashStorm_MatchesTheBenchmarkTable()
    {
        var s = ScenarioCatalog.Get("flash-storm");
        var sonnet = s.FindModel("claude-sonnet-4-5")!;

        Assert.Equal(120, sonnet.Slots);
        Assert.Equal(12, sonnet.Mu, 6);
        Assert.Equal(1.0, s.CapacityAt(sonnet, 299));
        Assert.Equal(0.2, s.CapacityAt(sonnet, 300));
        Assert.Equal(1.0, s.CapacityAt(sonnet, 330));
        Assert.Equal(0.7 * 12, s.OfferedRateAt(sonnet, 10), 6);
        Assert.Equal(900, s.RunSeconds);
        Assert.Equal(120, s.DeadlineSeconds);
        Assert.Equal(60, s.AttemptTimeoutSeconds);
        Assert.Equal(45, s.QueueSeconds);
        Assert.Equal(50, s.RejectionCostMs);
    }

    [Fact]
    public void Get_Metastable_ShedsLoadFrom1200To1500()
    {
        var s = ScenarioCatalog.Get("metastable");
        var sonnet = s.FindModel("claude-sonnet-4-5")!;

        Assert.Equal(0.8 * 12, s.OfferedRateAt(sonnet, 600), 6);
        Assert.Equal(0.2 * 12, s.OfferedRateAt(sonnet, 1300), 6);
        Assert.Equal(0.8 * 12, s.OfferedRateAt(sonnet, 1600), 6);
        Assert.Equal(0.25, s.CapacityAt(sonnet, 150));
    }

    [Fact]
    public void BuiltInNames_TheOriginalEightComeFirst_ThenTheOverloadVariants()
    {
        Assert.Equal(
            ["steady", "flash-storm", "long-incident", "opus-outage", "rate-limited", "midstream-overload", "metastable", "masked-gateway",
             "flash-storm-v2", "metastable-v2", "metastable-entries", "partial-outage", "timeout-redraw"],
            ScenarioCatalog.BuiltInNames);
    }

    [Fact]
    public void Get_OverloadVariants_SetWhatTheyRehearse()
    {
        var v2 = ScenarioCatalog.Get("flash-storm-v2");
        var sonnet = v2.FindModel("claude-sonnet-4-5")!;
        Assert.Equal(0.8 * 12, v2.OfferedRateAt(sonnet, 10), 6);
        Assert.Equal((1.0, 0.2, 0.2, 1.0), (v2.CapacityAt(sonnet, 299), v2.CapacityAt(sonnet, 300), v2.CapacityAt(sonnet, 359), v2.CapacityAt(sonnet, 360)));

        var metastable = ScenarioCatalog.Get("metastable");
        Assert.Equal(metastable with { Name = "metastable-v2", Description = "", Incidents = [metastable.Incidents[0] with { Capacity = 0.5 }] }, ScenarioCatalog.Get("metastable-v2") with { Description = "" }, ScenarioEquality);
        Assert.Equal(
            metastable with { Name = "metastable-entries", Description = "", QueueBound = ScenarioQueueBound.Entries, ServeAbandonedQueued = true },
            ScenarioCatalog.Get("metastable-entries") with { Description = "" },
            ScenarioEquality);

        var partial = ScenarioCatalog.Get("partial-outage");
        Assert.Empty(partial.Incidents);
        Assert.Equal(new ScenarioRandomOverload { Fraction = 0.2, StartSeconds = 120, EndSeconds = 720 }, partial.RandomOverload);

        var redraw = ScenarioCatalog.Get("timeout-redraw");
        Assert.True(redraw.ServiceTimeRedraw);
        Assert.Equal(1.0, redraw.FindModel("claude-sonnet-4-5")!.ServiceSigma);
        Assert.Equal(30, redraw.AttemptTimeoutSeconds);
    }

    /// <summary>Compares scenarios by their JSON (records holding lists compare those by reference).</summary>
    private static readonly IEqualityComparer<Scenario> ScenarioEquality =
        EqualityComparer<Scenario>.Create((a, b) => ScenarioCatalog.ToJson(a!) == ScenarioCatalog.ToJson(b!), s => ScenarioCatalog.ToJson(s).GetHashCode(StringComparison.Ordinal));

    [Fact]
    public void FindModel_DatedIdAndAlias_MapToTheModel_UnknownIsNull()
    {
        var s = ScenarioCatalog.Get("steady");

        Assert.Equal("claude-sonnet-4-5", s.FindModel("claude-sonnet-4-5-20250929")!.Name);
        Assert.Equal("claude-opus-4-1", s.FindModel("claude-3-opus-20240229")!.Name);
        Assert.Null(s.FindModel("gpt-4o"));
    }

    [Fact]
    public void Load_BrokenFile_OneErrorListsEveryProblem()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bw-broken-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """
            { "name": "broken", "runSeconds": -5,
              "models": [ { "name": "m", "slots": 0, "serviceMeanSeconds": 10 } ],
              "incidents": [ { "model": "nope", "startSeconds": 50, "endSeconds": 10, "capacity": 2 } ],
              "load": [ { "model": "m", "rate": 1, "fraction": 0.5 } ] }
            """);
        try
        {
            var e = Assert.Throws<ScenarioException>(() => ScenarioCatalog.Load(path));

            Assert.Contains(path, e.Message, StringComparison.Ordinal);
            Assert.Contains("runSeconds", e.Message, StringComparison.Ordinal);
            Assert.Contains("models[0].slots", e.Message, StringComparison.Ordinal);
            Assert.Contains("incidents[0].model", e.Message, StringComparison.Ordinal);
            Assert.Contains("incidents[0].endSeconds", e.Message, StringComparison.Ordinal);
            Assert.Contains("incidents[0].capacity", e.Message, StringComparison.Ordinal);
            Assert.Contains("load[0]", e.Message, StringComparison.Ordinal);
            Assert.Equal(6, e.Problems.Count);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("""{ "name": "x", "runSecs": 10 }""")]
    [InlineData("""{ "name": "x", "runSeconds": "ten" }""")]
    public void Parse_NotTheSchema_ThrowsScenarioExceptionWithLocation(string json)
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioCatalog.Parse(json, "test"));

        Assert.Single(e.Problems);
        Assert.StartsWith("Scenario test is invalid", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_UnknownName_ListsTheBuiltIns()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioCatalog.Get("nope"));

        Assert.Contains("flash-storm", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_ThrowsScenarioException()
        => Assert.Throws<ScenarioException>(() => ScenarioCatalog.Load("/nonexistent/scenario.json"));
}
