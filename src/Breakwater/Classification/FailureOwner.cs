namespace Breakwater.Classification;

/// <summary>Whose problem a failure is.</summary>
public enum FailureOwner
{
    /// <summary>Nobody's: it was not a failure.</summary>
    None = 0,
    /// <summary>The caller's request, key, account or quota.</summary>
    Caller,
    /// <summary>Anthropic's platform.</summary>
    Anthropic,
    /// <summary>Something between the caller and Anthropic: a proxy, gateway or load balancer.</summary>
    Intermediary,
    /// <summary>The network or the connection.</summary>
    Network,
}
