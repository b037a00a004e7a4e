using System.Globalization;
using Breakwater.Retry;

namespace Breakwater.Pipeline;

/// <summary>
/// The one place that says which <c>breakwater-*</c> headers describe a finished call, and with what values: the
/// library puts them on the response it returns, the gateway on the error it writes when a call left no response.
/// </summary>
internal static class CallHeaders
{
    /// <summary>The headers, in the order they are written.</summary>
    /// <param name="attempts">Upstream attempts made.</param>
    /// <param name="requestIds">Every request_id seen, in order.</param>
    /// <param name="model">The model that served the call; empty or null when not known.</param>
    /// <param name="requestedModel">The model asked for.</param>
    /// <param name="giveUp">Why the call stopped; null when it succeeded.</param>
    public static IEnumerable<KeyValuePair<string, string>> Of(int attempts, IReadOnlyCollection<string> requestIds, string? model, string? requestedModel, GiveUpReason? giveUp)
    {
        yield return new(BreakwaterHeaders.Attempts, attempts.ToString(CultureInfo.InvariantCulture));
        if (requestIds.Count > 0)
        {
            yield return new(BreakwaterHeaders.RequestIds, string.Join(",", requestIds));
        }

        if (!string.IsNullOrEmpty(model))
        {
            yield return new(BreakwaterHeaders.Model, model);
            if (requestedModel is not null && model != requestedModel)
            {
                yield return new(BreakwaterHeaders.FallbackFrom, requestedModel);
            }
        }

        if (giveUp is { } reason)
        {
            yield return new(BreakwaterHeaders.GiveUp, GiveUpReasons.ToWire(reason));
        }
    }
}
