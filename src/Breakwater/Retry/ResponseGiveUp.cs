namespace Breakwater.Retry;

/// <summary>
/// Why the pipeline gave up on a response, as a typed value beside the <c>breakwater-giveup</c> header: consumers in
/// this process (deferral) read the value instead of parsing text. The header stays the wire form for clients.
/// </summary>
internal static class ResponseGiveUp
{
    /// <summary>
    /// Set on the response's request (<see cref="HttpResponseMessage.RequestMessage"/>): a response has no property bag of
    /// its own. The mark names its response, so a request object sent again cannot lend an old reason to a new answer.
    /// </summary>
    private static readonly HttpRequestOptionsKey<Mark> Key = new("Breakwater.GiveUp");

    /// <summary>Records <paramref name="reason"/> on <paramref name="response"/>; its <see cref="HttpResponseMessage.RequestMessage"/> must be set.</summary>
    public static void Set(HttpResponseMessage response, GiveUpReason reason) => response.RequestMessage!.Options.Set(Key, new Mark(response, reason));

    /// <summary>
    /// Why the pipeline gave up on <paramref name="response"/>: the typed value when it came through the pipeline, else
    /// the <c>breakwater-giveup</c> header read exactly (the last value: the nearest pipeline appends last; text that
    /// names no reason reads as <see cref="GiveUpReason.None"/>); <c>null</c> when neither is there.
    /// </summary>
    public static GiveUpReason? Of(HttpResponseMessage response)
    {
        if (response.RequestMessage is { } request && request.Options.TryGetValue(Key, out var mark) && ReferenceEquals(mark.Response, response))
        {
            return mark.Reason;
        }

        if (!response.Headers.TryGetValues(BreakwaterHeaders.GiveUp, out var values))
        {
            return null;
        }

        var last = string.Join(",", values).Split(',')[^1];
        return GiveUpReasons.FromWire(last) ?? GiveUpReason.None;
    }

    private sealed record Mark(HttpResponseMessage Response, GiveUpReason Reason);
}
