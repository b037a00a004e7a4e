namespace Breakwater.Anthropic;

/// <summary>What the rate-limit headers say about who is short of capacity.</summary>
public enum RateLimitReading
{
    /// <summary>No rate-limit headers were present.</summary>
    Unknown = 0,

    /// <summary>Every remaining/limit ratio is comfortable: a 529 with this reading is platform capacity, not quota.</summary>
    AmpleQuota,

    /// <summary>Some remaining value is near zero (at most 5 % of its limit): the caller's own quota is the pressure.</summary>
    QuotaPressure,
}
