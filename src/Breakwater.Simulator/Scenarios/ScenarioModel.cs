using System.Text.Json.Serialization;

namespace Breakwater.Simulator.Scenarios;

/// <summary>One model of the simulated upstream.</summary>
public sealed record ScenarioModel
{
    /// <summary>The model id answered in <c>/v1/models</c> (required), e.g. <c>claude-sonnet-4-5</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>A short family name incidents and load may refer to, e.g. <c>sonnet</c> (default empty).</summary>
    public string Family { get; init; } = "";

    /// <summary>Other ids served by this model when they start with one of these prefixes (default none).</summary>
    public IReadOnlyList<string> MatchPrefixes { get; init; } = [];

    /// <summary>Concurrency slots C at full capacity (required, &gt; 0).</summary>
    public int Slots { get; init; }

    /// <summary>Mean service time in seconds (required, &gt; 0).</summary>
    public double ServiceMeanSeconds { get; init; }

    /// <summary>Sigma of the lognormal service time (default 0.5; 0 = constant).</summary>
    public double ServiceSigma { get; init; } = 0.5;

    /// <summary>Mean output length in tokens, capped by the request's max_tokens (default 300).</summary>
    public int OutputTokensMean { get; init; } = 300;

    /// <summary>Capacity μ = C / mean service time, in requests per second.</summary>
    [JsonIgnore]
    public double Mu => ServiceMeanSeconds > 0 ? Slots / ServiceMeanSeconds : 0;
}
