using Breakwater.Classification;
using Breakwater.Status;

namespace Breakwater.Telemetry.Journal;

/// <summary>A burst of failed attempts close in time, as the journal groups them for people and for support.</summary>
public sealed record JournalEpisode
{
    /// <summary>The first failure's time.</summary>
    public required DateTimeOffset First { get; init; }

    /// <summary>The last failure's time.</summary>
    public required DateTimeOffset Last { get; init; }

    /// <summary>Failed attempts in the episode.</summary>
    public required int Count { get; init; }

    /// <summary>Failed attempts by kind.</summary>
    public required IReadOnlyDictionary<FailureKind, int> CountsByKind { get; init; }

    /// <summary>Failed attempts by model (empty model names count under <c>(none)</c>).</summary>
    public required IReadOnlyDictionary<string, int> CountsByModel { get; init; }

    /// <summary>Failed attempts by HTTP status (no response counts under 0).</summary>
    public required IReadOnlyDictionary<int, int> CountsByStatus { get; init; }

    /// <summary>Every distinct request_id, in order of time: what Anthropic support asks for.</summary>
    public required IReadOnlyList<string> RequestIds { get; init; }

    /// <summary>Attempts after which the call gave up (the failures callers actually saw).</summary>
    public int GaveUp { get; init; }

    /// <summary>The status-page incident that overlaps the episode, or <c>null</c> (matched when read).</summary>
    public StatusIncident? Incident { get; init; }

    /// <summary>How long the episode lasted.</summary>
    public TimeSpan Duration => Last - First;
}
