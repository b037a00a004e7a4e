using Breakwater.Telemetry.Journal;

namespace Breakwater.Cli.Doctor;

/// <summary>The journal's episodes over a window, with the status page's incidents matched.</summary>
internal sealed record IncidentsReport(
    string JournalPath,
    DateTimeOffset Since,
    DateTimeOffset Now,
    IReadOnlyList<JournalEpisode> Episodes,
    bool StatusChecked,
    bool StatusKnown,
    string? StatusError);
