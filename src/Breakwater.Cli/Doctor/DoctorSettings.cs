using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Breakwater.Cli.Doctor;

/// <summary>Options of <c>breakwater doctor</c>.</summary>
internal sealed class DoctorSettings : CommandSettings
{
    public const string DefaultBaseUrl = "https://api.anthropic.com";
    public const string DefaultModel = "claude-haiku-4-5";

    [CommandOption("--base-url <URL>")]
    [Description("The API to probe directly (default: https://api.anthropic.com).")]
    public string BaseUrl { get; init; } = DefaultBaseUrl;

    [CommandOption("--status-url <URL>")]
    [Description("The Statuspage v2 page (default: https://status.claude.com).")]
    public string? StatusUrl { get; init; }

    [CommandOption("--model <MODEL>")]
    [Description("The model of the probe requests (default: claude-haiku-4-5).")]
    public string Model { get; init; } = DefaultModel;

    [CommandOption("--journal <PATH>")]
    [Description("The incident journal (default: BREAKWATER_JOURNAL, else ~/.breakwater/journal.db).")]
    public string? Journal { get; init; }

    [CommandOption("--json")]
    [Description("Print {\"verdict\",\"evidence\",\"next\"} as JSON.")]
    public bool Json { get; init; }

    public override ValidationResult Validate()
    {
        if (!IsHttpUrl(BaseUrl))
        {
            return ValidationResult.Error("--base-url must be an absolute http(s) URL.");
        }

        if (StatusUrl is not null && !IsHttpUrl(StatusUrl))
        {
            return ValidationResult.Error("--status-url must be an absolute http(s) URL.");
        }

        return string.IsNullOrWhiteSpace(Model) ? ValidationResult.Error("--model must not be empty.") : ValidationResult.Success();
    }

    internal static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
