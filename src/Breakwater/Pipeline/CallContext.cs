using Breakwater.Classification;
using Breakwater.Policy;
using Breakwater.Retry;

namespace Breakwater.Pipeline;

/// <summary>One logical call: its body, what the rules remember of it, its attempts and what was seen. Owned by one call, never shared.</summary>
internal sealed class CallContext(HttpRequestMessage original, RequestBody body, DateTimeOffset deadline)
{
    public HttpRequestMessage Original { get; } = original;

    /// <summary>The body as the caller sent it.</summary>
    public RequestBody OriginalBody { get; } = body;

    /// <summary>The body as sent to the current model (only <c>model</c> differs after a fallback).</summary>
    public RequestBody Body { get; set; } = body;

    /// <summary>What the decision rules remember between attempts (deadline, retry counts, background, fallback denied).</summary>
    public CallPolicyState Policy { get; } = new(deadline);

    public DateTimeOffset Deadline => Policy.Deadline;

    /// <summary>The concurrency slot of the attempt in flight, released when its response is done.</summary>
    public Concurrency.LimiterLease? CurrentLease { get; set; }

    /// <summary>The model the caller asked for ("" when the body named none).</summary>
    public string RequestedModel { get; } = body.Model ?? "";

    /// <summary>The model of the current attempt.</summary>
    public string Model { get; private set; } = body.Model ?? "";

    public int Attempts { get; set; }

    public List<string> RequestIds { get; } = new(2);

    public Outcome? LastOutcome { get; set; }

    public Decision LastDecision { get; set; } = Decision.Done;

    /// <summary>Moves the call to <paramref name="model"/>: only the body's <c>model</c> value changes, and the per-model counts start again.</summary>
    public void MoveTo(string model)
    {
        Model = model;
        Body = OriginalBody.WithModel(model);
        Policy.OnModelChanged();
    }

    public void AddRequestId(string? id)
    {
        if (!string.IsNullOrEmpty(id) && (RequestIds.Count == 0 || RequestIds[^1] != id))
        {
            RequestIds.Add(id);
        }
    }
}
