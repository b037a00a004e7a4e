namespace Breakwater;

/// <summary>Headers Breakwater adds to responses, and the request headers it understands (and never forwards).</summary>
public static class BreakwaterHeaders
{
    /// <summary>Response: how many upstream attempts the call made.</summary>
    public const string Attempts = "breakwater-attempts";
    /// <summary>Response: every request_id seen, in order, comma-separated.</summary>
    public const string RequestIds = "breakwater-request-ids";
    /// <summary>Response: why a failed call stopped (budget, deadline, attempts, not-retryable, breaker, throttled, queue).</summary>
    public const string GiveUp = "breakwater-giveup";
    /// <summary>Response: the model that served the call.</summary>
    public const string Model = "breakwater-model";
    /// <summary>Response: the model asked for, when another one served the call.</summary>
    public const string FallbackFrom = "breakwater-fallback-from";
    /// <summary>Request: <c>deny</c> forbids model fallback for this call.</summary>
    public const string Fallback = "breakwater-fallback";
    /// <summary>Response: the link of an active status-page incident, on failures.</summary>
    public const string Incident = "breakwater-incident";
    /// <summary>Prefix of every Breakwater header; request headers with it are never sent upstream.</summary>
    public const string Prefix = "breakwater-";
}
