namespace Breakwater.Classification;

/// <summary>
/// The one failure taxonomy: per <see cref="FailureKind"/>, whose problem it is, which family it counts in, whether it
/// signals overload, whether waiting may change the answer and whether it points at the platform. The journal summary,
/// the doctor, deferral and the breakers switch on these instead of keeping lists of their own, so a new kind is
/// placed once (a test checks every kind has a family).
/// </summary>
internal static class FailureTaxonomy
{
    /// <summary>Whose problem <paramref name="kind"/> is; the same owner <see cref="FailureKindInfo"/> explains.</summary>
    public static FailureOwner OwnerOf(FailureKind kind) => FailureKindInfo.For(kind).Owner;

    /// <summary>The family <paramref name="kind"/> counts in.</summary>
    public static FailureFamily FamilyOf(FailureKind kind) => kind switch
    {
        FailureKind.None => FailureFamily.None,
        FailureKind.InvalidRequest or FailureKind.Authentication or FailureKind.Billing or FailureKind.Permission
            or FailureKind.NotFound or FailureKind.RequestTooLarge => FailureFamily.Rejected,
        FailureKind.Conflict => FailureFamily.Conflict,
        FailureKind.RateLimited => FailureFamily.RateLimit,
        FailureKind.SpendLimit => FailureFamily.SpendLimit,
        FailureKind.Overloaded => FailureFamily.Overload,
        FailureKind.ApiError or FailureKind.Timeout or FailureKind.ProxyError or FailureKind.Unknown
            or FailureKind.StreamInterrupted => FailureFamily.Server,
        FailureKind.ConnectionFailure or FailureKind.AttemptTimeout => FailureFamily.Network,
        // A value outside the enum (a journal written by a newer version) counts nowhere.
        _ => FailureFamily.None,
    };

    /// <summary>
    /// <c>true</c> when the model is out of capacity: a 529/overloaded_error, or a proxy's 503/529 page (which often
    /// hides one). Drives breakers, fallback and the adaptive limit, and the journal's overload count.
    /// </summary>
    public static bool IsOverloadSignal(FailureKind kind, int? statusCode) =>
        kind == FailureKind.Overloaded || (kind == FailureKind.ProxyError && statusCode is 503 or 529);

    /// <summary>
    /// <c>true</c> when the same request may well succeed later, unchanged: overload, server errors, proxy pages,
    /// timeouts, connection failures and a stream the platform cut. Such a failure may become a deferred job. Not an
    /// unknown type (Breakwater cannot tell), nor anything of the caller's (waiting would not change the request).
    /// </summary>
    public static bool IsTransient(FailureKind kind) => kind switch
    {
        FailureKind.Overloaded or FailureKind.ApiError or FailureKind.Timeout or FailureKind.ProxyError
            or FailureKind.ConnectionFailure or FailureKind.AttemptTimeout or FailureKind.StreamInterrupted => true,
        _ => false,
    };

    /// <summary>
    /// <c>true</c> when a probe that meets <paramref name="kind"/> blames the platform: overload, server errors, proxy
    /// pages, unknown types, and no answer within the attempt timeout (a saturated platform answers slowly). Not a
    /// refused or reset connection (the network path's), nor a stream cut after delivery (a probe does not stream).
    /// </summary>
    public static bool IsPlatformSymptom(FailureKind kind) => kind switch
    {
        FailureKind.Overloaded or FailureKind.ApiError or FailureKind.Timeout or FailureKind.ProxyError
            or FailureKind.Unknown or FailureKind.AttemptTimeout => true,
        _ => false,
    };
}
