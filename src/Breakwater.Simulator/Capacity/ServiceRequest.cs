namespace Breakwater.Simulator.Capacity;

/// <summary>What the capacity model needs to know about one request.</summary>
internal sealed record ServiceRequest(string? Key, int MaxTokens, bool Stream, TimeSpan? ServiceTimeOverride = null, int? OutputTokensOverride = null);
