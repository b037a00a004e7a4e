namespace Breakwater.Classification;

/// <summary>One attempt's response (ready to hand to the caller) and its outcome.</summary>
internal sealed class AttemptResult(HttpResponseMessage response, Outcome outcome) : IDisposable
{
    public HttpResponseMessage Response { get; } = response;

    public Outcome Outcome { get; } = outcome;

    public void Dispose() => Response.Dispose();
}
