using Breakwater.Classification;

namespace Breakwater.Cli.Doctor;

/// <summary>The probe of one base URL: up to three attempts, or the reason it was skipped.</summary>
internal sealed record ProbeResult
{
    /// <summary>"direct" or "via ANTHROPIC_BASE_URL".</summary>
    public required string Target { get; init; }

    public required string BaseUrl { get; init; }

    public IReadOnlyList<ProbeAttempt> Attempts { get; init; } = [];

    /// <summary>Why no request was sent (for example no key), or <c>null</c>.</summary>
    public string? Skipped { get; init; }

    public bool Ran => Skipped is null && Attempts.Count > 0;

    public bool AnySuccess => Attempts.Any(a => a.IsSuccess);

    public bool AllSucceeded => Ran && Attempts.All(a => a.IsSuccess);

    public bool AllNoResponse => Ran && Attempts.All(a => a.NoResponse);

    public IEnumerable<ProbeAttempt> Failures => Attempts.Where(a => !a.IsSuccess);

    public ProbeAttempt? FirstOf(FailureKind kind) => Attempts.FirstOrDefault(a => a.Kind == kind);

    /// <summary>The first attempt whose kind fits <paramref name="kind"/> (a <see cref="FailureTaxonomy"/> predicate), or <c>null</c>.</summary>
    public ProbeAttempt? FirstWhere(Func<FailureKind, bool> kind) => Attempts.FirstOrDefault(a => kind(a.Kind));

    public static ProbeResult Skip(string target, string baseUrl, string reason) => new() { Target = target, BaseUrl = baseUrl, Skipped = reason };
}
