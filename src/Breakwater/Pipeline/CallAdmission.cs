using Breakwater.Concurrency;
using Breakwater.Pacing;
using Breakwater.Policy;
using Breakwater.Retry;
using Breakwater.State;

namespace Breakwater.Pipeline;

/// <summary>
/// The local gates before an attempt, cheapest first: the model's client-side throttle, its breaker, the credential's
/// rate-limit pacing, then a concurrency slot. Either a slot (or none needed) or the reason the call was refused here;
/// what a refusal leads to is <see cref="CallPolicy.AfterRefusal"/>'s to say.
/// </summary>
internal sealed class CallAdmission(BreakwaterOptions options, TimeProvider time, JitterSource random)
{
    /// <summary>Passes the gates for <paramref name="state"/>'s model.</summary>
    /// <returns>The refusal (<see cref="GiveUpReason.None"/> when admitted) and the slot held, if the limiter is on.</returns>
    public async Task<(GiveUpReason Refusal, LimiterLease? Lease)> AdmitAsync(
        ModelState state, CallContext call, RateLimitPacer? pacer, bool canFallBack, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (state.Throttle.ShouldReject(random.NextUnit()))
            {
                return (GiveUpReason.Throttled, null);
            }

            if (state.IsOpen)
            {
                return (GiveUpReason.Breaker, null);
            }

            // A wait that is not a reservation (the slot is past MaxDelay) is followed by asking again, so capped
            // waits never release a queue of calls together. Bounded: each round waits MaxDelay or ends.
            while (pacer is not null)
            {
                var (pace, reserved) = pacer.NextDelay();
                if (pace <= TimeSpan.Zero)
                {
                    break;
                }

                if (time.GetUtcNow() + pace >= call.Deadline)
                {
                    return (GiveUpReason.Deadline, null);
                }

                await Waits.Delay(time, pace, cancellationToken).ConfigureAwait(false);
                if (reserved)
                {
                    break;
                }
            }

            if (!options.Concurrency.Enabled)
            {
                return (GiveUpReason.None, null);
            }

            var wait = CallPolicy.SlotWait(options, call.Policy, time.GetUtcNow(), canFallBack);
            var lease = await state.Limiter.AcquireAsync(wait, cancellationToken).ConfigureAwait(false);
            if (lease is null)
            {
                return (GiveUpReason.Queue, null);
            }

            if (pacer?.BlockedFor() is not { } blocked || blocked <= TimeSpan.Zero)
            {
                return (GiveUpReason.None, lease);
            }

            // A 429 for this key arrived while the call waited for its slot: give the slot back, wait it out, and pass
            // the gates again.
            lease.Release(LimitSignal.Neutral);
            if (time.GetUtcNow() + blocked >= call.Deadline)
            {
                return (GiveUpReason.Deadline, null);
            }

            await Waits.Delay(time, blocked, cancellationToken).ConfigureAwait(false);
        }
    }
}
