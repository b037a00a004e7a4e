namespace Breakwater.Deferral;

/// <summary>One header of a stored request or response, in the order it was seen.</summary>
/// <param name="Name">The header name.</param>
/// <param name="Value">The header value.</param>
public sealed record DeferredHeader(string Name, string Value);
