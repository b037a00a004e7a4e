using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Breakwater;

/// <summary>
/// The one way options are validated: each options type's <c>Validate()</c> lists every problem as text
/// ("Path:Member: message"), running the data annotations on its properties through <see cref="AddAnnotations"/> and
/// adding its own cross-field rules; dependency injection reports that list through an <see cref="IValidateOptions{TOptions}"/>
/// that calls it (<see cref="ToResult"/>), and code that builds options by hand calls it directly.
/// </summary>
internal static class OptionsProblems
{
    /// <summary>Adds a problem for each data annotation <paramref name="instance"/>'s properties fail, prefixed with <paramref name="path"/> (none when empty).</summary>
    public static void AddAnnotations(object instance, string path, List<string> problems)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(instance, new ValidationContext(instance), results, validateAllProperties: true);
        foreach (var r in results)
        {
            var members = string.Join(",", r.MemberNames);
            problems.Add(path.Length == 0 ? $"{members}: {r.ErrorMessage}" : $"{path}:{members}: {r.ErrorMessage}");
        }
    }

    /// <summary>The options validation result of <paramref name="problems"/>: success when there are none, else every one.</summary>
    public static ValidateOptionsResult ToResult(IReadOnlyList<string> problems) =>
        problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
}
