namespace Breakwater.Gateway.Features.Jobs;

/// <summary>What the <c>breakwater-defer</c> header of one request asks for.</summary>
/// <param name="Requested">The header is present (and deferral is on).</param>
/// <param name="Problem">Why the request must be rejected with 400, or null.</param>
/// <param name="Delay">How long the job may wait.</param>
/// <param name="Model">The model in the body, or null.</param>
internal sealed record DeferralCheck(bool Requested, string? Problem, TimeSpan Delay, string? Model)
{
    public static readonly DeferralCheck None = new(false, null, TimeSpan.Zero, null);
}
