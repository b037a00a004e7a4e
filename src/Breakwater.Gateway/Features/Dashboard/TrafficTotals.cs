namespace Breakwater.Gateway.Features.Dashboard;

/// <summary>Counts since the gateway started.</summary>
internal struct TrafficTotals
{
    /// <summary>Requests answered on the Messages routes.</summary>
    public long Requests { get; set; }

    /// <summary>Of those, answered with a status of 400 or more.</summary>
    public long FailedRequests { get; set; }

    /// <summary>Upstream attempts answered 529 (or an overload without a status).</summary>
    public long Overloaded { get; set; }

    /// <summary>Upstream attempts answered 429.</summary>
    public long RateLimited { get; set; }

    /// <summary>Other failed upstream attempts.</summary>
    public long OtherFailures { get; set; }

    /// <summary>Calls refused locally (open breaker, throttle, full queue) without an upstream attempt.</summary>
    public long Refused { get; set; }

    /// <summary>Requests served by a model other than the one asked for.</summary>
    public long Fallbacks { get; set; }
}
