using Breakwater.Anthropic;
using Breakwater.Classification;
using Breakwater.Cli.Doctor;
using Breakwater.Status;

namespace Breakwater.Cli.Tests.Doctor;

/// <summary>The verdict rules as a pure function: one test per rule, plus the precedence between them.</summary>
public class VerdictEngineTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 15, 0, TimeSpan.Zero);

    private static readonly StatusPageResult Operational = new()
    {
        IsKnown = true, Indicator = StatusIndicator.None, ApiComponentName = "Claude API", ApiComponentStatus = ComponentStatus.Operational, FetchedAt = Now,
    };

    private static readonly StatusPageResult WithIncident = Operational with
    {
        Indicator = StatusIndicator.Major,
        ApiComponentStatus = ComponentStatus.PartialOutage,
        Incidents = [new StatusIncident { Id = "i1", Name = "Elevated errors", StatusText = "investigating", Status = IncidentStatus.Investigating, Shortlink = "https://stspg.io/i1", LatestUpdate = "Investigating." }],
    };

    private static readonly JournalSummary Clean = JournalSummary.Empty("/tmp/j.db", TimeSpan.FromHours(1));

    private static RateLimitSnapshot Limits(long remaining) => new()
    {
        Requests = new RateLimitWindow(50, remaining, null),
        Windows = new Dictionary<string, RateLimitWindow> { ["requests"] = new(50, remaining, null) },
    };

    private static ProbeAttempt Ok(int n = 1) => new() { Number = n, StatusCode = 200, Kind = FailureKind.None, RateLimits = Limits(49), RequestId = $"req_ok{n}" };

    private static ProbeAttempt Fail(FailureKind kind, int? status, string? type = null, long? remaining = 49, string? network = null) => new()
    {
        Number = 1, StatusCode = status, Kind = kind, ErrorType = type, RequestId = status is null ? null : "req_fail",
        RateLimits = remaining is { } r ? Limits(r) : null, NetworkError = network,
    };

    private static ProbeResult Probe(params ProbeAttempt[] attempts) => new() { Target = "direct", BaseUrl = "https://api.anthropic.com/", Attempts = attempts };

    private static readonly ProbeResult AllOk = Probe(Ok(1), Ok(2), Ok(3));
    private static readonly ProbeResult Skipped = ProbeResult.Skip("direct", "https://api.anthropic.com/", "ANTHROPIC_API_KEY is not set");

    private static DoctorVerdict Decide(StatusPageResult status, ProbeResult direct, ProbeResult? gateway = null, JournalSummary? journal = null) =>
        VerdictEngine.Decide(status, direct, gateway, journal ?? Clean).Verdict;

    [Fact]
    public void Decide_EverythingFine_Healthy() => Assert.Equal(DoctorVerdict.Healthy, Decide(Operational, AllOk));

    [Fact]
    public void Decide_StatusUnknownProbeFine_Healthy() =>
        Assert.Equal(DoctorVerdict.Healthy, Decide(StatusPageResult.Unknown("timeout", Now), AllOk));

    [Fact]
    public void Decide_NoKeyNothingKnownBad_HealthyWithCaveat()
    {
        var d = VerdictEngine.Decide(Operational, Skipped, null, Clean);

        Assert.Equal(DoctorVerdict.Healthy, d.Verdict);
        Assert.Contains("not probed", d.Evidence["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("ANTHROPIC_API_KEY", d.Next, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_Incident529s_PlatformIncident() =>
        Assert.Equal(DoctorVerdict.PlatformIncident, Decide(WithIncident, Probe(Fail(FailureKind.Overloaded, 529, "overloaded_error"))));

    [Fact]
    public void Decide_IncidentNoKey_PlatformIncident() => Assert.Equal(DoctorVerdict.PlatformIncident, Decide(WithIncident, Skipped));

    [Fact]
    public void Decide_IncidentButProbeFineAndApiOperational_StillReportsIncident()
    {
        var minor = WithIncident with { ApiComponentStatus = ComponentStatus.Operational };

        Assert.Equal(DoctorVerdict.PlatformIncident, Decide(minor, AllOk));
    }

    [Fact]
    public void Decide_529sNoIncident_PlatformOverload() =>
        Assert.Equal(DoctorVerdict.PlatformOverload, Decide(Operational, Probe(Ok(), Fail(FailureKind.Overloaded, 529, "overloaded_error"))));

    [Fact]
    public void Decide_500sNoIncident_PlatformOverload() =>
        Assert.Equal(DoctorVerdict.PlatformOverload, Decide(Operational, Probe(Fail(FailureKind.ApiError, 500, "api_error"))));

    [Fact]
    public void Decide_NoKeyJournalShows529s_PlatformOverload()
    {
        var journal = Clean with { Total = 5, Overloaded = 5 };

        Assert.Equal(DoctorVerdict.PlatformOverload, Decide(Operational, Skipped, journal: journal));
    }

    [Fact]
    public void Decide_ProbeFineJournal529s_SelfInflicted() =>
        Assert.Equal(DoctorVerdict.SelfInflicted, Decide(Operational, AllOk, journal: Clean with { Total = 3, Overloaded = 3 }));

    [Fact]
    public void Decide_ProbeFineJournal429sAmple_SelfInflicted() =>
        Assert.Equal(DoctorVerdict.SelfInflicted, Decide(Operational, AllOk, journal: Clean with { Total = 3, RateLimitedAmple = 3 }));

    [Fact]
    public void Decide_Probe429Ample_SelfInflicted() =>
        Assert.Equal(DoctorVerdict.SelfInflicted, Decide(Operational, Probe(Fail(FailureKind.RateLimited, 429, "rate_limit_error", remaining: 40))));

    [Fact]
    public void Decide_Probe429NearZero_Quota() =>
        Assert.Equal(DoctorVerdict.Quota, Decide(Operational, Probe(Fail(FailureKind.RateLimited, 429, "rate_limit_error", remaining: 0))));

    [Fact]
    public void Decide_ProbeSpendLimit_Quota() =>
        Assert.Equal(DoctorVerdict.Quota, Decide(Operational, Probe(Fail(FailureKind.SpendLimit, 429, "rate_limit_error"))));

    [Fact]
    public void Decide_JournalSpendLimit_Quota() =>
        Assert.Equal(DoctorVerdict.Quota, Decide(Operational, AllOk, journal: Clean with { Total = 1, SpendLimit = 1 }));

    [Theory]
    [InlineData(FailureKind.Authentication, 401)]
    [InlineData(FailureKind.Billing, 402)]
    [InlineData(FailureKind.Permission, 403)]
    [InlineData(FailureKind.NotFound, 404)]
    [InlineData(FailureKind.InvalidRequest, 400)]
    public void Decide_ProbeRejected_ClientError(FailureKind kind, int status) =>
        Assert.Equal(DoctorVerdict.ClientError, Decide(WithIncident, Probe(Fail(kind, status))));

    [Fact]
    public void Decide_ProbeFineJournalClientErrors_ClientError() =>
        Assert.Equal(DoctorVerdict.ClientError, Decide(Operational, AllOk, journal: Clean with { Total = 4, ClientErrors = 4 }));

    [Fact]
    public void Decide_DirectFineGatewayFails_GatewayMasking()
    {
        var gateway = Probe(Fail(FailureKind.ProxyError, 503)) with { Target = "via ANTHROPIC_BASE_URL", BaseUrl = "http://gw/" };

        Assert.Equal(DoctorVerdict.GatewayMasking, Decide(Operational, AllOk, gateway));
    }

    [Fact]
    public void Decide_DirectFineGatewayUnreachable_GatewayMasking()
    {
        var gateway = Probe(Fail(FailureKind.ConnectionFailure, null, network: "connection refused")) with { BaseUrl = "http://gw/" };

        Assert.Equal(DoctorVerdict.GatewayMasking, Decide(Operational, AllOk, gateway));
    }

    [Fact]
    public void Decide_BothDirectAndGatewayGet529_PlatformOverloadNotMasking() =>
        Assert.Equal(DoctorVerdict.PlatformOverload, Decide(Operational, Probe(Fail(FailureKind.Overloaded, 529)), Probe(Fail(FailureKind.Overloaded, 529))));

    [Fact]
    public void Decide_NoResponseAtAll_NetworkEvenWithIncident()
    {
        var d = VerdictEngine.Decide(WithIncident, Probe(Fail(FailureKind.ConnectionFailure, null, network: "tls")), null, Clean);

        Assert.Equal(DoctorVerdict.Network, d.Verdict);
        Assert.Contains("TLS", d.Next, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_SomeResponses_NotNetwork() =>
        Assert.NotEqual(DoctorVerdict.Network, Decide(Operational, Probe(Fail(FailureKind.ConnectionFailure, null, network: "connection"), Ok(2))));

    [Fact]
    public void Decide_Always_EvidenceHasEveryStepAndAReason()
    {
        var d = VerdictEngine.Decide(WithIncident, AllOk, Probe(Ok()), Clean);

        Assert.NotNull(d.Evidence["status_page"]);
        Assert.NotNull(d.Evidence["direct_probe"]);
        Assert.NotNull(d.Evidence["gateway_probe"]);
        Assert.NotNull(d.Evidence["journal"]);
        Assert.False(string.IsNullOrWhiteSpace(d.Evidence["reason"]?.GetValue<string>()));
        Assert.False(string.IsNullOrWhiteSpace(d.Next));
    }

    [Fact]
    public void ExitCode_EveryVerdict_DistinctAndHealthyIsZero()
    {
        var codes = Enum.GetValues<DoctorVerdict>().Select(v => v.ExitCode()).ToList();

        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.Equal(0, DoctorVerdict.Healthy.ExitCode());
        Assert.DoesNotContain(1, codes);
        Assert.All(Enum.GetValues<DoctorVerdict>(), v => Assert.NotEqual("unknown", v.Name()));
    }
}
