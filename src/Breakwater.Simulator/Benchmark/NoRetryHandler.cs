namespace Breakwater.Simulator.Benchmark;

/// <summary>The <c>none</c> policy: one attempt, under the scenario's attempt timeout like every other policy.</summary>
internal sealed class NoRetryHandler(TimeProvider time, TimeSpan attemptTimeout) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        => PolicyWaits.SendAttemptAsync(base.SendAsync, request, time, attemptTimeout, cancellationToken);
}
