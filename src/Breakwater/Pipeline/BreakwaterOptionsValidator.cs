using Microsoft.Extensions.Options;

namespace Breakwater.Pipeline;

/// <summary>Validates <see cref="BreakwaterOptions"/> at start, listing every problem in one message.</summary>
internal sealed class BreakwaterOptionsValidator : IValidateOptions<BreakwaterOptions>
{
    public ValidateOptionsResult Validate(string? name, BreakwaterOptions options) => OptionsProblems.ToResult(options.Validate());
}
