namespace Breakwater.Classification;

/// <summary>
/// Which count a failure kind lands in when people are shown traffic (doctor, incidents): one family per kind, from
/// <see cref="FailureTaxonomy.FamilyOf"/>. Finer than <see cref="FailureOwner"/>: the caller's own quota is told apart
/// from the caller's bad request.
/// </summary>
internal enum FailureFamily
{
    /// <summary>Not a failure.</summary>
    None = 0,
    /// <summary>The API rejected the request itself: key, billing, permission, model name, shape or size.</summary>
    Rejected,
    /// <summary>409: the request conflicts with another; counted nowhere.</summary>
    Conflict,
    /// <summary>429 with retry-after: the caller's own rate limit.</summary>
    RateLimit,
    /// <summary>A spend cap.</summary>
    SpendLimit,
    /// <summary>529 overloaded_error: the platform is out of capacity.</summary>
    Overload,
    /// <summary>Other platform or proxy errors: 500, 504, a proxy's page, unknown types, a stream cut after delivery.</summary>
    Server,
    /// <summary>No answer: the connection failed or the attempt timed out.</summary>
    Network,
}
