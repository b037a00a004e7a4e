namespace Breakwater.Gateway.Interim;

/// <summary>Stands in for <c>BreakwaterHandler</c> until the pipeline lands in main: one attempt, no policy.</summary>
internal sealed class InterimPassThroughHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        foreach (var name in request.Headers.Select(h => h.Key).Where(n => n.StartsWith(BreakwaterHeaders.Prefix, StringComparison.OrdinalIgnoreCase)).ToList())
        {
            request.Headers.Remove(name);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
