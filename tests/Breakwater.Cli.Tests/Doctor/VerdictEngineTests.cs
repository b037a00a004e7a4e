using Breakwater.Anthropic;
using Breakwater.Classification;
using Breakwater.Cli.Doctor;
using Breakwater.Status;
using Breakwater.Telemetry;

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
    public void Decide_ProbeFineJournal529s_PlatformOverloadNotSelfInflicted() =>
        Assert.Equal(DoctorVerdict.PlatformOverload, Decide(Operational, AllOk, journal: Clean with { Total = 3, Overloaded = 3 }));

    private static AttemptRecord Journal529(int i, string model, long requestsLeft) => new()
    {
        Timestamp = Now - TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(i),
        Client = "app",
        Model = model,
        Attempt = 1,
        StatusCode = 529,
        Kind = FailureKind.Overloaded,
        ErrorType = "overloaded_error",
        Decision = AttemptDecision.Retried,
        RateLimits = new RateLimitSnapshot
        {
            Requests = new RateLimitWindow(1000, requestsLeft, null),
            Windows = new Dictionary<string, RateLimitWindow> { ["requests"] = new(1000, requestsLeft, null) },
        },
    };

    [Fact]
    public void Decide_StormWithAmpleQuota_PlatformOverloadWhetherOrNotTheProbeRan()
    {
        var journal = JournalSummary.From("/tmp/j.db", TimeSpan.FromHours(1), [.. Enumerable.Range(0, 12).Select(i => Journal529(i, i % 2 == 0 ? "a" : "b", 960 - (i % 3)))]);

        var skipped = VerdictEngine.Decide(Operational, Skipped, null, journal);
        var succeeded = VerdictEngine.Decide(Operational, AllOk, null, journal);

        Assert.Equal(DoctorVerdict.PlatformOverload, skipped.Verdict);
        Assert.Equal(DoctorVerdict.PlatformOverload, succeeded.Verdict);
        Assert.Equal("12 × 529 overloaded_error across 2 models with 96 % quota remaining or more; your request usage stayed at 4 %–4.2 % of the requests limit; no acceleration 429s", succeeded.Evidence["decided_by"]!.GetValue<string>());
        Assert.Equal(2, journal.OverloadedModels);
        Assert.Equal(12, journal.OverloadedWithQuota);
        Assert.False(journal.OwnLoadRose);
    }

    [Fact]
    public void Decide_529sWhileOwnRequestUsageRose_SelfInflicted()
    {
        var journal = JournalSummary.From("/tmp/j.db", TimeSpan.FromHours(1), [.. Enumerable.Range(0, 10).Select(i => Journal529(i, "a", 950 - (i * 60)))]);

        var diagnosis = VerdictEngine.Decide(Operational, AllOk, null, journal);

        Assert.True(journal.OwnLoadRose);
        Assert.Equal(DoctorVerdict.SelfInflicted, diagnosis.Verdict);
        Assert.Equal("10 × 529 overloaded_error while your request usage rose from 5 % to 59 % of the requests limit", diagnosis.Evidence["decided_by"]!.GetValue<string>());
    }

    [Fact]
    public void Decide_AccelerationLimitsOutnumber529s_SelfInflicted()
    {
        var diagnosis = VerdictEngine.Decide(Operational, AllOk, null, Clean with { Total = 13, Overloaded = 3, RateLimitedAmple = 10 });

        Assert.Equal(DoctorVerdict.SelfInflicted, diagnosis.Verdict);
        Assert.Equal("10 × 429 rate_limit_error with ample remaining (acceleration limits on your own bursts) against 3 × 529", diagnosis.Evidence["decided_by"]!.GetValue<string>());
    }

    [Fact]
    public void Decide_StormWithoutRateLimitHeaders_SaysNoneWereRecorded()
    {
        var diagnosis = VerdictEngine.Decide(Operational, AllOk, null, Clean with { Total = 5, Overloaded = 5, OverloadedModels = 1 });

        Assert.Equal(DoctorVerdict.PlatformOverload, diagnosis.Verdict);
        Assert.Equal("5 × 529 overloaded_error on 1 model (no rate-limit headers recorded on them); no acceleration 429s", diagnosis.Evidence["decided_by"]!.GetValue<string>());
    }

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
