using Breakwater.Classification;
using Breakwater.Retry;

namespace Breakwater.Pipeline;

/// <summary>One logical call: its body, deadline, attempts and what was seen. Owned by one call, never shared.</summary>
internal sealed class CallContext(HttpRequestMessage original, RequestBody body, DateTimeOffset started, DateTimeOffset deadline, CancellationToken callerToken)
{
    public HttpRequestMessage Original { get; } = original;

    /// <summary>The body as the caller sent it.</summary>
    public RequestBody OriginalBody { get; } = body;

    /// <summary>The body as sent to the current model (only <c>model</c> differs after a fallback).</summary>
    public RequestBody Body { get; set; } = body;

    /// <summary>Overload outcomes seen on the current model.</summary>
    public int OverloadsOnModel { get; set; }

    /// <summary>The concurrency slot of the attempt in flight, released when its response is done.</summary>
    public Concurrency.LimiterLease? CurrentLease { get; set; }

    /// <summary>The model the caller asked for ("" when the body named none).</summary>
    public string RequestedModel { get; } = body.Model ?? "";

    /// <summary>The model of the current attempt.</summary>
    public string Model { get; set; } = body.Model ?? "";

    public DateTimeOffset Started { get; } = started;

    public DateTimeOffset Deadline { get; } = deadline;

    public CancellationToken CallerToken { get; } = callerToken;

    public RetryState Retry { get; } = new();

    public int Attempts { get; set; }

    /// <summary>Deferred work (<see cref="BreakwaterRequestOptions.Background"/>): live calls come first.</summary>
    public bool Background { get; set; }

    public List<string> RequestIds { get; } = new(2);

    public Outcome? LastOutcome { get; set; }

    public Decision LastDecision { get; set; } = Decision.Done;

    public bool FallbackDenied { get; set; }

    public void AddRequestId(string? id)
    {
        if (!string.IsNullOrEmpty(id) && (RequestIds.Count == 0 || RequestIds[^1] != id))
        {
            RequestIds.Add(id);
        }
    }
}
