using Breakwater.Simulator.Scenarios;

namespace Breakwater.Simulator.Tests.Scenarios;

/// <summary>The overload settings in scenario JSON: their defaults (today's behaviour), parsing and validation.</summary>
public class OverloadSettingsParsingTests
{
    private const string Minimal = """
        "name": "x", "runSeconds": 60,
        "models": [ { "name": "m", "slots": 1, "serviceMeanSeconds": 1 } ]
        """;

    [Fact]
    public void Parse_NoSettings_DefaultsAreTodaysBehaviour()
    {
        var s = ScenarioCatalog.Parse($$"""{ {{Minimal}} }""");

        Assert.Equal(ScenarioQueueBound.Time, s.QueueBound);
        Assert.False(s.ServeAbandonedQueued);
        Assert.Null(s.QueueTimeoutSeconds);
        Assert.Equal(1, s.SaturatedSlowdown);
        Assert.Null(s.RetryAfter529Seconds);
        Assert.Null(s.ShouldRetry529);
        Assert.Null(s.RandomOverload);
        Assert.False(s.ServiceTimeRedraw);
    }

    [Fact]
    public void Parse_EverySetting_ReadsCamelCaseAndRoundTrips()
    {
        var s = ScenarioCatalog.Parse($$"""
            { {{Minimal}}, "queueBound": "entries", "serveAbandonedQueued": true, "queueTimeoutSeconds": 30,
              "saturatedSlowdown": 1.25, "retryAfter529Seconds": 10, "shouldRetry529": false,
              "randomOverload": { "fraction": 0.2, "startSeconds": 5, "endSeconds": 50 }, "serviceTimeRedraw": true }
            """);

        Assert.Equal(ScenarioQueueBound.Entries, s.QueueBound);
        Assert.True(s.ServeAbandonedQueued);
        Assert.Equal(30, s.QueueTimeoutSeconds);
        Assert.Equal(1.25, s.SaturatedSlowdown);
        Assert.Equal(10, s.RetryAfter529Seconds);
        Assert.False(s.ShouldRetry529);
        Assert.Equal(new ScenarioRandomOverload { Fraction = 0.2, StartSeconds = 5, EndSeconds = 50 }, s.RandomOverload);
        Assert.True(s.ServiceTimeRedraw);
        Assert.Equal(ScenarioCatalog.ToJson(s), ScenarioCatalog.ToJson(ScenarioCatalog.Parse(ScenarioCatalog.ToJson(s))));
    }

    [Fact]
    public void Parse_BadSettings_OneErrorListsEveryProblem()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioCatalog.Parse($$"""
            { {{Minimal}}, "queueBound": "bytes", "queueTimeoutSeconds": 0, "saturatedSlowdown": 0.5,
              "retryAfter529Seconds": -1, "randomOverload": { "fraction": 1.5, "startSeconds": 10, "endSeconds": 5 } }
            """));

        Assert.Equal(
            ["queueBound", "queueTimeoutSeconds", "saturatedSlowdown", "retryAfter529Seconds", "randomOverload.fraction", "randomOverload.endSeconds"],
            e.Problems.Select(p => p[..p.IndexOf(':', StringComparison.Ordinal)]));
    }
}
