using Microsoft.Extensions.Options;

namespace Breakwater.Telemetry.Journal;

/// <summary>Validates <see cref="JournalOptions"/> at start, listing every problem in one message.</summary>
internal sealed class JournalOptionsValidator : IValidateOptions<JournalOptions>
{
    public ValidateOptionsResult Validate(string? name, JournalOptions options) => OptionsProblems.ToResult(options.Validate());
}
