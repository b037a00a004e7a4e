namespace Breakwater.Deferral;

/// <summary>The request a job will send upstream. Credential headers are never stored here.</summary>
/// <param name="Method">The HTTP method, e.g. <c>POST</c>.</param>
/// <param name="PathAndQuery">Path and query, e.g. <c>/v1/messages</c>.</param>
/// <param name="Headers">Request headers; <c>x-api-key</c> and <c>authorization</c> are dropped by the store.</param>
/// <param name="Body">The body bytes as received.</param>
public sealed record DeferredRequest(string Method, string PathAndQuery, IReadOnlyList<DeferredHeader> Headers, ReadOnlyMemory<byte> Body);
