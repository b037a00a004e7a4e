namespace Breakwater.Deferral;

/// <summary>The final upstream response of a job, exactly as the upstream returned it.</summary>
/// <param name="StatusCode">The HTTP status code.</param>
/// <param name="Headers">Response and content headers.</param>
/// <param name="Body">The body bytes.</param>
public sealed record DeferredResponse(int StatusCode, IReadOnlyList<DeferredHeader> Headers, ReadOnlyMemory<byte> Body);
