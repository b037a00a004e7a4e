namespace Breakwater.Cli.Demo;

/// <summary>Counts what reaches the (simulated) upstream: every attempt, every failed response, every attempt that got none.</summary>
internal sealed class CountingHandler(DemoPathStats stats) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            stats.OnAttemptWithoutResponse();
            throw;
        }

        stats.OnAttempt(failed: !response.IsSuccessStatusCode);
        return response;
    }
}
