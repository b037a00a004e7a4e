using Breakwater.Gateway.Features.Jobs;

namespace Breakwater.Gateway.Tests.Jobs;

public sealed class DeferralValidationTests
{
    [Fact]
    public void Validate_Defaults_NoProblems()
    {
        Assert.Empty(DeferralValidation.Validate(new GatewayOptions()));
    }

    [Fact]
    public void Validate_MaxDeadlineShorterThanTheShortestDeferral_IsAProblemNamingBoth()
    {
        var options = new GatewayOptions();
        options.Deferral.MaxDeadline = TimeSpan.FromSeconds(20);

        var problem = Assert.Single(DeferralValidation.Validate(options));

        Assert.StartsWith("Breakwater:Deferral:MaxDeadline (00:00:20) is shorter than the shortest deferral the quiet period allows (00:00:35", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NegativeMinQuietPeriod_IsAProblem()
    {
        var options = new GatewayOptions();
        options.Deferral.MinQuietPeriod = TimeSpan.FromSeconds(-1);

        Assert.Contains(DeferralValidation.Validate(options), p => p.StartsWith("Breakwater:Deferral:MinQuietPeriod must not be negative", StringComparison.Ordinal));
    }
}
