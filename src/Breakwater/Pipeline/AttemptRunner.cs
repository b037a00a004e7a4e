using System.Net.Sockets;
using Breakwater.Classification;
using Breakwater.Concurrency;
using Breakwater.State;
using Breakwater.Telemetry;

namespace Breakwater.Pipeline;

/// <summary>
/// Sends one attempt through its model's breaker, under the attempt timeout, and reads its outcome. The concurrency
/// slot goes back here with the attempt's signal, except for a stream passed through to the caller (it releases
/// its slot when it ends).
/// </summary>
internal sealed class AttemptRunner(BreakwaterOptions options, TimeProvider time, ResponseInspector inspector, PipelineObserver observer)
{
    public async Task<AttemptReport> RunAsync(
        ModelState state,
        CallContext call,
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send,
        LimiterLease? lease,
        CancellationToken cancellationToken)
    {
        call.CurrentLease = lease;
        var context = Polly.ResilienceContextPool.Shared.Get(cancellationToken);
        Polly.Outcome<AttemptResult> result;
        try
        {
            result = await state.Breaker.Pipeline.ExecuteOutcomeAsync(
                static (ctx, s) => s.runner.AttemptAsync(s.call, s.send, ctx.CancellationToken),
                context,
                (runner: this, call, send)).ConfigureAwait(false);
        }
        catch
        {
            // Without a breaker strategy the pipeline is empty and the caller's cancellation propagates from the
            // attempt itself: the slot still goes back (with no signal: the caller left, the upstream said nothing).
            lease?.Release(LimitSignal.Neutral);
            throw;
        }
        finally
        {
            Polly.ResilienceContextPool.Shared.Return(context);
            state.Breaker.AfterExecution();
        }

        if (result.Exception is Polly.CircuitBreaker.BrokenCircuitException)
        {
            return default;
        }

        if (result.Exception is { } exception)
        {
            if (!IsTransportFailure(exception) || cancellationToken.IsCancellationRequested)
            {
                lease?.Release(LimitSignal.Neutral);

                // The caller's deadline and the attempt timeout can fire in the same instant: the caller's wins.
                cancellationToken.ThrowIfCancellationRequested();
                result.ThrowIfException();
            }

            var failed = Classifier.ClassifyException(exception, attemptTimedOut: exception is TimeoutException, requestId: (exception as StreamStalledException)?.RequestId);
            lease?.Release(Signal(call, ModelState.SignalOf(failed)));
            return new AttemptReport(null, exception, failed);
        }

        var attempt = result.Result!;
        if (attempt.Outcome.Phase != StreamPhase.AfterFirstDelta)
        {
            // A passed-through stream releases its slot when it ends.
            lease?.Release(Signal(call, ModelState.SignalOf(attempt.Outcome)));
        }

        return new AttemptReport(attempt, null, attempt.Outcome);
    }

    /// <summary>A background call's success says nothing about live demand: it does not grow the limit (overloads still shrink it).</summary>
    public static LimitSignal Signal(CallContext call, LimitSignal signal) =>
        call.Policy.Background && signal == LimitSignal.Success ? LimitSignal.Neutral : signal;

    /// <summary>
    /// One attempt, as the breaker's outcome: a transport failure (not the caller's cancellation) is an outcome, not a
    /// throw. One async method rather than a lambda awaiting another: one state machine per attempt instead of two.
    /// </summary>
    private async ValueTask<Polly.Outcome<AttemptResult>> AttemptAsync(
        CallContext call,
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send,
        CancellationToken cancellationToken)
    {
        try
        {
            call.Attempts++;
            var started = time.GetTimestamp();
            #pragma warning disable CA2000 // Not owned on success: it is the caller's own message (first attempt) or a copy that stays reachable as the response's RequestMessage; it is disposed below when no response carries it.
            var request = RequestCopier.ForAttempt(call);
            #pragma warning restore CA2000

            // The attempt timeout runs on the injected clock, bounded by what is left of the call's deadline.
            var remaining = call.Deadline - time.GetUtcNow();
            var timeout = remaining < options.AttemptTimeout ? remaining : options.AttemptTimeout;
            // One source for both: the caller's cancellation is forwarded into the timeout's source by a registration,
            // which costs one callback node instead of a linked source with a registration on each side.
            using var timeoutSource = new CancellationTokenSource(timeout > TimeSpan.FromMilliseconds(1) ? timeout : TimeSpan.FromMilliseconds(1), time);
            using var callerLink = cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), timeoutSource);
            var token = timeoutSource.Token;
            AttemptResult attempt;
            try
            {
                var response = await send(request, token).ConfigureAwait(false);
                attempt = await inspector.InspectAsync(call, response, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                request.Dispose();
                // Cut off by the call's own deadline rather than the attempt timeout: the caller stopped waiting, which
                // says nothing about the upstream's capacity (no overload signal, see ModelState.SignalOf).
                throw remaining < options.AttemptTimeout
                    ? new CallerDeadlineException($"No answer before the call's deadline ({timeout.TotalSeconds:0.###} s were left of it).", ex)
                    : new TimeoutException($"No answer within the attempt timeout of {timeout.TotalSeconds:0.###} s.", ex);
            }
            catch
            {
                request.Dispose();
                throw;
            }

            observer.AttemptTimed(call.Model, time.GetElapsedTime(started));
            return Polly.Outcome.FromResult(attempt);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsTransportFailure(ex))
        {
            return Polly.Outcome.FromException<AttemptResult>(ex);
        }
    }

    private static bool IsTransportFailure(Exception exception) =>
        exception is HttpRequestException or IOException or SocketException or TimeoutException;
}
