using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Breakwater.Cli.Commands;

/// <summary>Options of <c>breakwater jobs</c>.</summary>
internal sealed class JobsSettings : CommandSettings
{
    private static readonly string[] States = ["queued", "running", "succeeded", "failed", "expired"];

    [CommandOption("--state <STATE>")]
    [Description("Only jobs in this state: queued, running, succeeded, failed or expired (default: all).")]
    public string? State { get; init; }

    [CommandOption("--json")]
    [Description("Print the jobs as JSON.")]
    public bool Json { get; init; }

    [CommandOption("--db <PATH>")]
    [Description("The job database, the gateway's Breakwater:Deferral:Path (default: ~/.breakwater/jobs.db).")]
    public string? Db { get; init; }

    [CommandOption("--limit <N>")]
    [Description("At most this many jobs, newest first (default: 100).")]
    public int Limit { get; init; } = 100;

    public override ValidationResult Validate()
    {
        if (State is not null && !States.Contains(State, StringComparer.OrdinalIgnoreCase))
        {
            return ValidationResult.Error("--state must be one of queued, running, succeeded, failed, expired.");
        }

        return Limit is < 1 or > 100_000 ? ValidationResult.Error("--limit must be between 1 and 100000.") : ValidationResult.Success();
    }
}
