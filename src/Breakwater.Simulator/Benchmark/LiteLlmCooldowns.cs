namespace Breakwater.Simulator.Benchmark;

/// <summary>
/// LiteLLM Router's deployment cooldowns for model groups of one deployment each (<c>router_utils/cooldown_handlers.py</c>
/// <c>_should_run_cooldown_logic</c>, <c>_is_cooldown_required</c>, <c>_should_cooldown_deployment</c>; default settings,
/// no <c>allowed_fails</c>): failures and successes are counted per deployment and UTC minute; a failure cools its
/// deployment down when it is not a connection error, its status needs a cooldown (4xx only 429, 401, 408, 404; every
/// other status), and either every request of the minute failed with at least 1,000 of them, or the status is one
/// <c>_should_retry</c> rejects (not 408, 409, 429, ≥ 500). The 429 rule and the 50 % rule do not apply to a single-deployment
/// group. The cooldown lasts the response's retry-after when it has one (≥ 0, no cap; 0 disables it), else 5 s.
/// </summary>
internal sealed class LiteLlmCooldowns(TimeProvider time)
{
    public const int SingleDeploymentTrafficFailureThreshold = 1000;

    public static readonly TimeSpan DefaultCooldown = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, (long Minute, int Successes, int Failures)> _minutes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _until = new(StringComparer.Ordinal);

    /// <summary>Cooldowns started so far.</summary>
    public int Started { get; private set; }

    public bool IsCooling(string deployment) => _until.TryGetValue(deployment, out var until) && time.GetUtcNow() < until;

    public void RecordSuccess(string deployment)
    {
        var (minute, successes, failures) = Current(deployment);
        _minutes[deployment] = (minute, successes + 1, failures);
    }

    /// <param name="deployment">The model group's only deployment.</param>
    /// <param name="status">The failure's status (408 for a timeout, 500 for a connection error).</param>
    /// <param name="connectionError">An APIConnectionError, which never cools a deployment down.</param>
    /// <param name="retryAfter">The response's retry-after, if it has one.</param>
    public void RecordFailure(string deployment, int status, bool connectionError, TimeSpan? retryAfter)
    {
        var (minute, successes, failures) = Current(deployment);
        failures++;
        _minutes[deployment] = (minute, successes, failures);

        var cooldown = retryAfter is { } ra && ra >= TimeSpan.Zero ? ra : DefaultCooldown;
        if (connectionError || cooldown <= TimeSpan.Zero || !IsCooldownRequired(status))
        {
            return;
        }

        var total = successes + failures;
        var allFailed = failures == total && total >= SingleDeploymentTrafficFailureThreshold;
        if (allFailed || !LiteLlmRouterHandler.ShouldRetryStatus(status))
        {
            _until[deployment] = time.GetUtcNow() + cooldown;
            Started++;
        }
    }

    internal static bool IsCooldownRequired(int status) => status is < 400 or >= 500 or 429 or 401 or 408 or 404;

    private (long Minute, int Successes, int Failures) Current(string deployment)
    {
        var minute = time.GetUtcNow().ToUnixTimeSeconds() / 60;
        return _minutes.TryGetValue(deployment, out var entry) && entry.Minute == minute ? entry : (minute, 0, 0);
    }
}
