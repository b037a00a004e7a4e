using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Breakwater.Cli.Doctor;

/// <summary>Options of <c>breakwater incidents</c>.</summary>
internal sealed class IncidentsSettings : CommandSettings
{
    [CommandOption("--since <DURATION>")]
    [Description("How far back: 90m, 24h, 7d (default: 24h).")]
    public string Since { get; init; } = "24h";

    [CommandOption("--json")]
    [Description("Print the episodes as JSON.")]
    public bool Json { get; init; }

    [CommandOption("--csv")]
    [Description("Print one CSV row per episode.")]
    public bool Csv { get; init; }

    [CommandOption("--journal <PATH>")]
    [Description("The incident journal (default: BREAKWATER_JOURNAL, else ~/.breakwater/journal.db).")]
    public string? Journal { get; init; }

    [CommandOption("--status-url <URL>")]
    [Description("The Statuspage v2 page used to match incidents (default: https://status.claude.com).")]
    public string? StatusUrl { get; init; }

    [CommandOption("--no-status")]
    [Description("Do not contact the status page (episodes are shown without incidents).")]
    public bool NoStatus { get; init; }

    public TimeSpan SinceSpan => DurationParser.TryParse(Since, out var t) ? t : TimeSpan.FromHours(24);

    public override ValidationResult Validate()
    {
        if (Json && Csv)
        {
            return ValidationResult.Error("Choose one of --json and --csv.");
        }

        if (!DurationParser.TryParse(Since, out _))
        {
            return ValidationResult.Error("--since must be a duration such as 90m, 24h or 7d.");
        }

        return StatusUrl is not null && !DoctorSettings.IsHttpUrl(StatusUrl)
            ? ValidationResult.Error("--status-url must be an absolute http(s) URL.")
            : ValidationResult.Success();
    }
}
