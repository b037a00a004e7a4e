using Breakwater.Pipeline;

namespace Breakwater.Gateway.Features.Proxy;

/// <summary>A body on the pipeline routes must be one JSON object; anything else is answered here, not upstream.</summary>
internal static class JsonBodyCheck
{
    /// <summary><c>null</c> when the body is a well-formed JSON object, else what is wrong.</summary>
    public static string? Problem(byte[] body) => Problem(body, out _);

    /// <summary>
    /// The same check, handing over what the pipeline would otherwise parse again from the same bytes (model, stream):
    /// one walk of a body that can be megabytes long, not two.
    /// </summary>
    public static string? Problem(byte[] body, out RequestBody? parsed)
    {
        parsed = RequestBody.ParseObject(body, out var problem);
        return problem;
    }
}
