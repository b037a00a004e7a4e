using Breakwater.Classification;
using Breakwater.Retry;

namespace Breakwater;

/// <summary>
/// Thrown when a call ends without any response (connection failures, attempt timeouts) after Breakwater gave up.
/// It is an <see cref="HttpRequestException"/>, so code that catches those keeps working. Its message never holds a key.
/// </summary>
public sealed class BreakwaterException : HttpRequestException
{
    /// <summary>Creates the exception.</summary>
    public BreakwaterException(string message, Exception? inner, FailureKind kind, GiveUpReason giveUp, int attempts, IReadOnlyList<string> requestIds)
        : base(message, inner)
    {
        Kind = kind;
        GiveUp = giveUp;
        Attempts = attempts;
        RequestIds = requestIds;
    }

    /// <summary>The last attempt's failure kind.</summary>
    public FailureKind Kind { get; }
    /// <summary>Why Breakwater stopped.</summary>
    public GiveUpReason GiveUp { get; }
    /// <summary>Upstream attempts made.</summary>
    public int Attempts { get; }
    /// <summary>Every request_id seen, in order.</summary>
    public IReadOnlyList<string> RequestIds { get; }
}
