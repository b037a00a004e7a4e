using System.ComponentModel.DataAnnotations;
using Breakwater.Concurrency;
using Breakwater.Fallback;
using Breakwater.Health;
using Breakwater.Pacing;
using Breakwater.Retry;
using Breakwater.State;

namespace Breakwater;

/// <summary>Everything the Breakwater pipeline can be told. Validated at start; every problem is listed in one message.</summary>
public sealed class BreakwaterOptions
{
    /// <summary>The client's name: calls with the same name share one retry budget and per-model state. Default <c>"default"</c>.</summary>
    [Required]
    public string Name { get; set; } = "default";

    /// <summary>The retry plan of each failure family.</summary>
    [Required]
    public RetryPlans Retry { get; set; } = new();

    /// <summary>The client-wide retry budget (retries ≤ 10 % of first attempts over 10 s, plus 10).</summary>
    [Required]
    public RetryBudgetOptions Budget { get; set; } = new();

    /// <summary>The most a call may take, all attempts and waits included. Default 10 minutes.</summary>
    public TimeSpan TotalDeadline { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The most one attempt may take to answer (for a stream: until its first content delta). Default 10 minutes.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Once an attempt's response headers have arrived, the longest the upstream may send nothing while its body is
    /// being read (between two chunks of a stream or of a JSON body). Past it the body ends: before a stream's first
    /// content delta the attempt counts as timed out (and may be retried); after it the stream ends with an
    /// Anthropic-shaped <c>event: error</c> of type <c>timeout_error</c>; a JSON body fails with an
    /// <see cref="IOException"/>. The call's deadline (<see cref="TotalDeadline"/>, or a shorter one per call) also
    /// applies to the body. The API sends <c>event: ping</c> every few seconds while a generation is slow, so a minute
    /// of silence means a stalled connection, not a long answer. <see cref="TimeSpan.Zero"/> turns it off. Default 60 s.
    /// </summary>
    public TimeSpan BodyIdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How many bytes of a stream are held back before its first <c>content_block_delta</c>, so that an overload
    /// in that span can be retried invisibly. Past this the stream is passed through as is. Default 65,536.
    /// </summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int StreamHoldBackBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Whether a JSON response body of a failure is read (up to 64 KB) for its error.type. Default <c>true</c>;
    /// without it classification falls back to the status alone.
    /// </summary>
    public bool ReadErrorBodies { get; set; } = true;

    /// <summary>Model fallback chains (off unless configured).</summary>
    [Required]
    public FallbackOptions Fallback { get; set; } = new();

    /// <summary>The per-model circuit breaker.</summary>
    [Required]
    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();

    /// <summary>The per-model adaptive concurrency limit.</summary>
    [Required]
    public ConcurrencyOptions Concurrency { get; set; } = new();

    /// <summary>Rate-limit pacing per credential.</summary>
    [Required]
    public PacingOptions Pacing { get; set; } = new();

    /// <summary>Client-side adaptive throttling per model.</summary>
    [Required]
    public ThrottleOptions Throttle { get; set; } = new();

    /// <summary>Bounds on the per-model state and on the model names in metrics (1,000 models, 1 hour idle, 100 metric names).</summary>
    [Required]
    public ModelStateOptions ModelState { get; set; } = new();

    /// <summary>Checks every setting and returns every problem (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        OptionsProblems.AddAnnotations(this, "Breakwater", problems);
        OptionsProblems.AddAnnotations(Retry, "Breakwater:Retry", problems);
        OptionsProblems.AddAnnotations(Budget, "Breakwater:Budget", problems);
        foreach (var (name, plan) in new[] { ("Overloaded", Retry.Overloaded), ("RateLimited", Retry.RateLimited), ("ServerError", Retry.ServerError), ("Conflict", Retry.Conflict) })
        {
            if (plan is null)
            {
                continue;
            }

            var path = "Breakwater:Retry:" + name;
            OptionsProblems.AddAnnotations(plan, path, problems);
            if (plan.BaseDelay < TimeSpan.Zero)
            {
                problems.Add($"{path}:BaseDelay must not be negative (is {plan.BaseDelay}).");
            }

            if (plan.MaxDelay < plan.BaseDelay)
            {
                problems.Add($"{path}:MaxDelay ({plan.MaxDelay}) must be at least BaseDelay ({plan.BaseDelay}).");
            }

            if (plan.MaxRetryWindow is { } w && w <= TimeSpan.Zero)
            {
                problems.Add($"{path}:MaxRetryWindow must be positive when set (is {w}).");
            }
        }

        OptionsProblems.AddAnnotations(Fallback, "Breakwater:Fallback", problems);
        OptionsProblems.AddAnnotations(CircuitBreaker, "Breakwater:CircuitBreaker", problems);
        OptionsProblems.AddAnnotations(Concurrency, "Breakwater:Concurrency", problems);
        OptionsProblems.AddAnnotations(Pacing, "Breakwater:Pacing", problems);
        OptionsProblems.AddAnnotations(Throttle, "Breakwater:Throttle", problems);
        if (ModelState is not null)
        {
            OptionsProblems.AddAnnotations(ModelState, "Breakwater:ModelState", problems);
            if (ModelState.IdleExpiry < TimeSpan.Zero)
            {
                problems.Add($"Breakwater:ModelState:IdleExpiry must not be negative (is {ModelState.IdleExpiry}).");
            }
        }
        for (var i = 0; i < Fallback.Chains.Count; i++)
        {
            var chain = Fallback.Chains[i];
            if (chain.Models.Count < 2)
            {
                problems.Add($"Breakwater:Fallback:Chains:{i}:Models must name at least two models (has {chain.Models.Count}).");
            }

            if (chain.Models.Any(string.IsNullOrWhiteSpace))
            {
                problems.Add($"Breakwater:Fallback:Chains:{i}:Models must not contain empty names.");
            }

            if (chain.Models.Distinct(StringComparer.Ordinal).Count() != chain.Models.Count)
            {
                problems.Add($"Breakwater:Fallback:Chains:{i}:Models must not repeat a model.");
            }
        }

        if (Concurrency.MinLimit > Concurrency.MaxLimit)
        {
            problems.Add($"Breakwater:Concurrency:MinLimit ({Concurrency.MinLimit}) must not exceed MaxLimit ({Concurrency.MaxLimit}).");
        }

        if (Concurrency.ProbeInterval < TimeSpan.FromMilliseconds(10) || Concurrency.RecoveryInterval < TimeSpan.FromMilliseconds(10))
        {
            problems.Add("Breakwater:Concurrency:ProbeInterval and RecoveryInterval must be at least 10 ms.");
        }

        if (CircuitBreaker.SamplingDuration < TimeSpan.FromMilliseconds(500) || CircuitBreaker.BreakDuration < TimeSpan.FromMilliseconds(500))
        {
            problems.Add("Breakwater:CircuitBreaker:SamplingDuration and BreakDuration must be at least 0.5 s.");
        }

        if (Throttle.Window <= TimeSpan.Zero)
        {
            problems.Add($"Breakwater:Throttle:Window must be positive (is {Throttle.Window}).");
        }

        if (TotalDeadline <= TimeSpan.Zero)
        {
            problems.Add($"Breakwater:TotalDeadline must be positive (is {TotalDeadline}).");
        }

        if (AttemptTimeout <= TimeSpan.Zero)
        {
            problems.Add($"Breakwater:AttemptTimeout must be positive (is {AttemptTimeout}).");
        }

        if (BodyIdleTimeout < TimeSpan.Zero)
        {
            problems.Add($"Breakwater:BodyIdleTimeout must not be negative (is {BodyIdleTimeout}); 00:00:00 turns it off.");
        }

        if (Budget is not null && Budget.Window <= TimeSpan.Zero)
        {
            problems.Add($"Breakwater:Budget:Window must be positive (is {Budget.Window}).");
        }

        return problems;
    }
}
