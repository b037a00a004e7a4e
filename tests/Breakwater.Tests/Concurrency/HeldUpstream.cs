using Breakwater.Tests.TestKit;

namespace Breakwater.Tests.Concurrency;

/// <summary>
/// An upstream that holds every response until the test completes it by hand, and records the order calls arrived
/// in (by their <c>x-call</c> header) and the most it ever had in flight.
/// </summary>
internal sealed class HeldUpstream
{
    private readonly Lock _lock = new();
    private readonly List<TaskCompletionSource<HttpResponseMessage>> _pending = [];
    private int _inFlight;

    public List<string> Arrived { get; } = [];

    public int MaxInFlight { get; private set; }

    public int InFlight
    {
        get
        {
            lock (_lock)
            {
                return _inFlight;
            }
        }
    }

    public Task<HttpResponseMessage> Respond(int n, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var held = new TaskCompletionSource<HttpResponseMessage>();
        lock (_lock)
        {
            Arrived.Add(request.Headers.TryGetValues("x-call", out var v) ? v.First() : "?");
            _pending.Add(held);
            _inFlight++;
            MaxInFlight = Math.Max(MaxInFlight, _inFlight);
        }

        cancellationToken.Register(() => held.TrySetCanceled(cancellationToken));
        return held.Task;
    }

    /// <summary>Completes the n-th call the upstream received (0-based). Continuations run here, synchronously.</summary>
    public void Complete(int n, HttpResponseMessage? response = null)
    {
        lock (_lock)
        {
            _inFlight--;
        }

        #pragma warning disable CA2000 // Ownership moves to the caller: the response becomes the held call's answer, which the test disposes.
        Assert.True(_pending[n].TrySetResult(response ?? Api.Ok($"req_{n}")), $"call {n} was already completed");
        #pragma warning restore CA2000
    }

    public static HttpRequestMessage Call(int i, TimeSpan? deadline = null)
    {
        var request = Api.Request(model: "claude-opus-4-6");
        request.Headers.TryAddWithoutValidation("x-call", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (deadline is { } d)
        {
            request.Options.Set(BreakwaterRequestOptions.Deadline, d);
        }

        return request;
    }
}
