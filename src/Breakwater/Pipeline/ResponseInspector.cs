using System.Buffers;
using Breakwater.Anthropic;
using Breakwater.Classification;

namespace Breakwater.Pipeline;

/// <summary>
/// Turns one attempt's response into an <see cref="Outcome"/> without losing a byte of it: an error body is read to
/// at most 64 KB (the rest stays readable), a stream is held back until its first content delta (or an error, or the
/// hold-back bound) and then handed to <see cref="SsePassThroughStream"/>.
/// </summary>
/// <param name="options">The client's options (whether error bodies are read, the hold-back bound).</param>
/// <param name="time">The clock (rate-limit resets are read against it).</param>
/// <param name="streamEnded">Makes the callback a passed-through stream calls when it ends (slot release, telemetry).</param>
internal sealed class ResponseInspector(BreakwaterOptions options, TimeProvider time, Func<CallContext, string?, Action<StreamEnd>> streamEnded)
{
    /// <summary>Reads what decides the outcome of <paramref name="response"/>.</summary>
    public async Task<AttemptResult> InspectAsync(CallContext call, HttpResponseMessage response, CancellationToken token)
    {
        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300)
        {
            var requestId = RetryHints.TryGet(response.Headers, AnthropicHeaders.RequestId, out var rid) ? rid : null;
            if (IsEventStream(response))
            {
                return await HoldBackAsync(call, response, requestId, token).ConfigureAwait(false);
            }

            // The body is read after the headers, by the caller: the idle timeout and the call's deadline go with it.
            var original = response.Content;
            var body = await original.ReadAsStreamAsync(token).ConfigureAwait(false);
            ReplaceContent(response, Timed(call, body, original), disposeOld: false);
            return new AttemptResult(response, Outcome.Success(status, requestId, RateLimitSnapshot.From(response.Headers)));
        }

        return await ReadFailureAsync(call, response, token).ConfigureAwait(false);
    }

    /// <summary>The body under the idle timeout and the call's deadline; <paramref name="owner"/> is disposed with it.</summary>
    private BodyTimeoutStream Timed(CallContext call, Stream body, IDisposable? owner) =>
        new(body, owner, time, options.BodyIdleTimeout, call.Deadline);

    private async Task<AttemptResult> ReadFailureAsync(CallContext call, HttpResponseMessage response, CancellationToken token)
    {
        var status = (int)response.StatusCode;
        var body = AnthropicError.Empty;
        if (options.ReadErrorBodies)
        {
            #pragma warning disable CA2000 // Disposed below when the body was read to its end, else owned by the PrefixedStream that replaces the content.
            var stream = Timed(call, await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false), null);
            #pragma warning restore CA2000
            BodyPrefix prefix;
            try
            {
                prefix = await BodyPrefix.ReadAsync(stream, ErrorBodyParser.MaxBodyPrefix, response.Content.Headers.ContentLength, token).ConfigureAwait(false);
            }
            catch
            {
                stream.Dispose();
                throw;
            }

            body = ErrorBodyParser.Parse(prefix.Head(ErrorBodyParser.MaxBodyPrefix), prefix.Truncated(ErrorBodyParser.MaxBodyPrefix));

            // The caller still gets the whole body: what was read, then (for a long one) the rest of the stream.
            if (prefix.Ended)
            {
                stream.Dispose();
                ReplaceContent(response, new MemoryStream(prefix.Buffer, 0, prefix.Length, writable: false));
            }
            else
            {
                ReplaceContent(response, new PrefixedStream(prefix.Buffer, prefix.Length, stream));
            }
        }

        return new AttemptResult(response, Classifier.Classify(status, response.Headers, body, time.GetUtcNow()));
    }

    private async Task<AttemptResult> HoldBackAsync(CallContext call, HttpResponseMessage response, string? requestId, CancellationToken token)
    {
        #pragma warning disable CA2000 // Disposed on every path that ends here; owned by the PrefixedStream or the SsePassThroughStream otherwise.
        var stream = Timed(call, await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false), null);
        #pragma warning restore CA2000
        // Names only: the hold-back needs to know which events went by, not their data (an error event's data is
        // read again from the held bytes). Materialising every event as strings was most of a stream's allocations.
        var reader = new SseReader(namesOnly: true);
        var events = new HoldBackEvents();
        var held = ArrayPool<byte>.Shared.Rent(4096);
        var length = 0;
        var rateLimits = RateLimitSnapshot.From(response.Headers);
        while (true)
        {
            if (held.Length - length < 1024)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(held.Length * 2);
                held.AsSpan(0, length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(held);
                held = bigger;
            }

            int n;
            try
            {
                n = await stream.ReadAsync(held.AsMemory(length), token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException && !token.IsCancellationRequested)
            {
                response.Dispose();
                stream.Dispose();

                // Silent past the idle timeout (or the deadline) before anything reached the caller: a timed-out attempt.
                if (BodyTimeoutStream.IsTimeout(ex))
                {
                    throw new StreamStalledException(ex.Message, requestId, ex);
                }

                throw new IOException("The stream failed before its first content delta.", ex);
            }

            if (n == 0)
            {
                stream.Dispose();
                if (events.SawStop)
                {
                    ReplaceContent(response, new MemoryStream(held, 0, length, writable: false));
                    return new AttemptResult(response, Outcome.Success(200, requestId, rateLimits) with { Phase = StreamPhase.BeforeFirstDelta });
                }

                // Ended with neither a delta nor message_stop: a truncated stream, retryable like a dropped connection.
                // Should it be the call's answer (no retry left), it must not look complete: the whole events held,
                // then an error event, never a clean end.
                ReplaceContent(response, new MemoryStream(Truncated(held, length, requestId), writable: false));
                return new AttemptResult(response, new Outcome
                {
                    Kind = FailureKind.ConnectionFailure,
                    StatusCode = 200,
                    RequestId = requestId,
                    Phase = StreamPhase.BeforeFirstDelta,
                    RateLimits = rateLimits,
                    Message = "stream ended before its first content delta",
                });
            }

            length += n;
            reader.Feed(held.AsSpan(length - n, n), events);
            switch (events.Decisive)
            {
                case "error":
                    var error = ErrorBodyParser.Parse(FirstErrorData(held.AsSpan(0, length)));
                    ReplaceContent(response, new PrefixedStream(held, length, stream));
                    return new AttemptResult(response, Classifier.ClassifyStreamError(error, requestId, afterFirstDelta: false, rateLimits));
                case "content_block_delta":
                    return Commit(call, response, stream, held, length, requestId, rateLimits);
            }

            if (length >= options.StreamHoldBackBytes)
            {
                return Commit(call, response, stream, held, length, requestId, rateLimits);
            }
        }
    }

    /// <summary>The whole events of a stream that ended early, then an Anthropic-shaped <c>event: error</c> (a torn last event is dropped).</summary>
    private static byte[] Truncated(byte[] held, int length, string? requestId)
    {
        var whole = SseScan.LastEventBoundary(held.AsSpan(0, length));
        var error = AnthropicErrorWriter.SseEvent(AnthropicErrorTypes.Api, "The upstream stream ended before its first content delta and without message_stop; the response is incomplete.", requestId);
        var bytes = new byte[Math.Max(whole, 0) + error.Length];
        held.AsSpan(0, Math.Max(whole, 0)).CopyTo(bytes);
        error.CopyTo(bytes.AsSpan(Math.Max(whole, 0)));
        return bytes;
    }

    /// <summary>The data of the first <c>error</c> event in the held bytes, read with a full reader (the rare path).</summary>
    private static string FirstErrorData(ReadOnlySpan<byte> held)
    {
        var events = new List<SseEvent>();
        new SseReader().Feed(held, events);
        foreach (var e in events)
        {
            if (e.Event == "error")
            {
                return e.Data;
            }
        }

        return "";
    }

    private AttemptResult Commit(CallContext call, HttpResponseMessage response, Stream stream, byte[] held, int length, string? requestId, RateLimitSnapshot? rateLimits)
    {
        var pass = new SsePassThroughStream(held, length, stream, response.Content, requestId, streamEnded(call, requestId));
        ReplaceContent(response, pass, disposeOld: false);

        // The pass-through copied what was held: the hold-back buffer goes back to the pool. (On the other paths it
        // becomes the response body itself and is left to the GC.)
        ArrayPool<byte>.Shared.Return(held);
        return new AttemptResult(response, Outcome.Success(200, requestId, rateLimits) with { Phase = StreamPhase.AfterFirstDelta });
    }

    // From the raw value: the typed ContentType would parse the header into objects on every response.
    private static bool IsEventStream(HttpResponseMessage response)
    {
        if (!response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var values))
        {
            return false;
        }

        foreach (var value in values)
        {
            var mediaType = value.AsSpan();
            var semicolon = mediaType.IndexOf(';');
            if (semicolon >= 0)
            {
                mediaType = mediaType[..semicolon];
            }

            return mediaType.Trim().Equals("text/event-stream", StringComparison.OrdinalIgnoreCase);
        }

        return false;
    }

    private static void ReplaceContent(HttpResponseMessage response, Stream body, bool disposeOld = true)
    {
        var old = response.Content;
        var content = new StreamContent(body);
        foreach (var header in old.Headers)
        {
            content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = content;
        if (disposeOld && body is MemoryStream)
        {
            old.Dispose();
        }
    }
}
