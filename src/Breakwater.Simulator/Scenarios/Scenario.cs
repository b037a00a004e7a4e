namespace Breakwater.Simulator.Scenarios;

/// <summary>
/// A simulator scenario: the upstream's models and capacity, what goes wrong and when, the offered load and the
/// client settings a benchmark should use. Times are scenario seconds from the moment the scenario starts.
/// The JSON schema is documented in docs/scenarios.md; built-ins are listed by <see cref="ScenarioCatalog.BuiltInNames"/>.
/// </summary>
public sealed record Scenario
{
    /// <summary>The scenario's name (required).</summary>
    public string Name { get; init; } = "";

    /// <summary>One line saying what the scenario rehearses (default empty).</summary>
    public string Description { get; init; } = "";

    /// <summary>Run length in seconds (required, &gt; 0). After it the upstream keeps its last state.</summary>
    public double RunSeconds { get; init; }

    /// <summary>The client deadline D per logical request, in seconds (default 120).</summary>
    public double DeadlineSeconds { get; init; } = 120;

    /// <summary>The client's per-attempt timeout, in seconds (default 60).</summary>
    public double AttemptTimeoutSeconds { get; init; } = 60;

    /// <summary>The queue bound, in seconds of work at the current capacity (default 45).</summary>
    public double QueueSeconds { get; init; } = 45;

    /// <summary>How long each 529 occupies a slot, in milliseconds (default 50).</summary>
    public double RejectionCostMs { get; init; } = 50;

    /// <summary>How the queue is bounded: <see cref="ScenarioQueueBound.Time"/> (default),
    /// <see cref="ScenarioQueueBound.Entries"/> or <see cref="ScenarioQueueBound.None"/>.</summary>
    public string QueueBound { get; init; } = ScenarioQueueBound.Time;

    /// <summary>When <c>true</c>, a queued request whose client left stays queued and is still served (it holds a slot
    /// for its full service time; the answer goes nowhere). Default <c>false</c>: it leaves the queue.</summary>
    public bool ServeAbandonedQueued { get; init; }

    /// <summary>Server-side deadline: a request queued this many seconds gets a 529 at that moment (default <c>null</c>: none).</summary>
    public double? QueueTimeoutSeconds { get; init; }

    /// <summary>Service-time factor (≥ 1) for work that started while the queue was non-empty, i.e. out of the queue
    /// (default 1: saturation costs nothing extra).</summary>
    public double SaturatedSlowdown { get; init; } = 1;

    /// <summary>The <c>retry-after</c> header of every 529, in seconds (default <c>null</c>: no header).</summary>
    public double? RetryAfter529Seconds { get; init; }

    /// <summary>The <c>x-should-retry</c> header of every 529 (default <c>null</c>: no header).</summary>
    public bool? ShouldRetry529 { get; init; }

    /// <summary>529s regardless of load in a window; <c>null</c> (default) means none.</summary>
    public ScenarioRandomOverload? RandomOverload { get; init; }

    /// <summary>Benchmark only: when <c>true</c>, every retry of a logical request draws a fresh service time instead
    /// of repeating the planned one (default <c>false</c>).</summary>
    public bool ServiceTimeRedraw { get; init; }

    /// <summary>Fraction of the offered load that streams (default 0).</summary>
    public double StreamingFraction { get; init; }

    /// <summary>The models the upstream serves (at least one).</summary>
    public IReadOnlyList<ScenarioModel> Models { get; init; } = [];

    /// <summary>Capacity incidents (default none).</summary>
    public IReadOnlyList<ScenarioIncident> Incidents { get; init; } = [];

    /// <summary>Offered load, piecewise constant per model (default none: the simulator only answers).</summary>
    public IReadOnlyList<ScenarioLoadPhase> Load { get; init; } = [];

    /// <summary>Per-key rate limits; <c>null</c> (default) means generous limits that are reported but never bite.</summary>
    public ScenarioRateLimits? RateLimits { get; init; }

    /// <summary>Mid-stream failures; <c>null</c> (default) means none.</summary>
    public ScenarioMidStream? MidStream { get; init; }

    /// <summary>529s disguised as HTML 503 pages; <c>null</c> (default) means none.</summary>
    public ScenarioMasked? Masked { get; init; }

    /// <summary>Optional benchmark variant: a share of requests may be deferred (see <see cref="ScenarioDeferral"/>).</summary>
    public ScenarioDeferral? Deferral { get; init; }

    /// <summary>The fallback chain a client may use, most preferred first (default empty).</summary>
    public IReadOnlyList<string> FallbackChain { get; init; } = [];

    /// <summary>Status page timing (default: posted 5 minutes after an incident starts, resolved 10 minutes after it ends).</summary>
    public ScenarioStatusPage StatusPage { get; init; } = new();

    /// <summary>Finds the model a request names: exact name first, then the longest matching prefix; <c>null</c> if none.</summary>
    public ScenarioModel? FindModel(string requested)
    {
        ArgumentNullException.ThrowIfNull(requested);
        ScenarioModel? best = null;
        var bestLength = -1;
        foreach (var model in Models)
        {
            if (string.Equals(model.Name, requested, StringComparison.Ordinal))
            {
                return model;
            }

            foreach (var prefix in model.MatchPrefixes)
            {
                if (prefix.Length > bestLength && requested.StartsWith(prefix, StringComparison.Ordinal))
                {
                    best = model;
                    bestLength = prefix.Length;
                }
            }
        }

        return best;
    }

    /// <summary>Whether <paramref name="reference"/> (a name, a family or <c>all</c>) designates <paramref name="model"/>.</summary>
    public static bool Designates(string reference, ScenarioModel model)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(model);
        return reference == "all" || reference == model.Name || (model.Family.Length > 0 && reference == model.Family);
    }

    /// <summary>The capacity multiplier c(t) of <paramref name="model"/> at scenario second <paramref name="t"/> (product of active incidents).</summary>
    public double CapacityAt(ScenarioModel model, double t)
    {
        var c = 1.0;
        foreach (var incident in Incidents)
        {
            if (t >= incident.StartSeconds && t < incident.EndSeconds && Designates(incident.Model, model))
            {
                c *= incident.Capacity;
            }
        }

        return c;
    }

    /// <summary>Offered arrivals per second for <paramref name="model"/> at scenario second <paramref name="t"/> (0 when no phase applies).</summary>
    public double OfferedRateAt(ScenarioModel model, double t)
    {
        ArgumentNullException.ThrowIfNull(model);
        ScenarioLoadPhase? current = null;
        foreach (var phase in Load)
        {
            if (Designates(phase.Model, model) && phase.FromSeconds <= t && (current is null || phase.FromSeconds >= current.FromSeconds))
            {
                current = phase;
            }
        }

        if (current is null)
        {
            return 0;
        }

        return current.Rate ?? (current.Fraction ?? 0) * model.Mu;
    }
}
