using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Breakwater.Anthropic;
using Breakwater.Classification;
using Breakwater.Cli.Commands;
using Breakwater.Cli.Doctor;
using Breakwater.Telemetry;
using Breakwater.Telemetry.Journal;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console.Cli;

namespace Breakwater.Cli.Tests.Doctor;

/// <summary>Every verdict end to end, against scripted fakes on 127.0.0.1 port 0.</summary>
public sealed class DoctorRunnerTests : IAsyncLifetime
{
    private const string Key = "sk-ant-api03-TESTKEY0123456789abcdefghijklmnopqrstuvwxyz";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 15, 0, TimeSpan.Zero));
    private readonly string _journal = Path.Combine(Path.GetTempPath(), "bw-doctor-tests", Guid.NewGuid().ToString("N"), "journal.db");
    private FakeAnthropic _api = null!;

    public async Task InitializeAsync() => _api = await FakeAnthropic.StartAsync();

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        try
        {
            Directory.Delete(Path.GetDirectoryName(_journal)!, recursive: true);
        }
        catch (IOException)
        {
            // Not created by every test.
        }
    }

    private DoctorEnvironment Env(string? key = Key, string? baseUrlVariable = null, Func<HttpMessageHandler>? handler = null)
    {
        var env = new DoctorEnvironment
        {
            Time = _time,
            GetEnvironmentVariable = name => name switch
            {
                DoctorRunner.ApiKeyVariable => key,
                DoctorRunner.BaseUrlVariable => baseUrlVariable,
                _ => null,
            },
            ProbeSpacing = TimeSpan.Zero,
            Interactive = false,
        };
        return handler is null ? env : env with { CreateHandler = handler };
    }

    private DoctorSettings Settings(string? baseUrl = null, string? statusUrl = null) => new()
    {
        BaseUrl = baseUrl ?? _api.BaseUrl,
        StatusUrl = statusUrl ?? _api.BaseUrl,
        Journal = _journal,
    };

    private Task<DoctorReport> RunAsync(DoctorEnvironment? env = null, DoctorSettings? settings = null) =>
        new DoctorRunner(env ?? Env()).RunAsync(settings ?? Settings(), CancellationToken.None);

    private async Task WriteJournalAsync(params AttemptRecord[] records)
    {
        await using var journal = new SqliteIncidentJournal(new JournalOptions { Path = _journal }, _time);
        foreach (var r in records)
        {
            journal.Record(r);
        }
    }

    private AttemptRecord Failure(FailureKind kind, int status, TimeSpan ago) => new()
    {
        Timestamp = _time.GetUtcNow() - ago,
        Client = "app",
        Model = "claude-sonnet-4-5",
        Attempt = 1,
        StatusCode = status,
        Kind = kind,
        RequestId = CannedResponse.NextRequestId(),
        Decision = AttemptDecision.Retried,
    };

    [Fact]
    public async Task RunAsync_AllGood_Healthy()
    {
        var report = await RunAsync();

        Assert.Equal(DoctorVerdict.Healthy, report.Diagnosis.Verdict);
        Assert.Equal(3, _api.MessageCalls);
        Assert.True(report.Status.IsKnown);
        Assert.All(report.Direct.Attempts, a => Assert.NotNull(a.RateLimits));
        Assert.All(_api.Received, r =>
        {
            Assert.Equal(Key, r.ApiKey);
            Assert.Equal("2023-06-01", r.Version);
            Assert.Contains("\"max_tokens\":10", r.Body, StringComparison.Ordinal);
            Assert.Contains("claude-haiku-4-5", r.Body, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task RunAsync_ActiveIncidentAnd529s_PlatformIncident()
    {
        _api.Summary = CliStatusFixtures.ActiveIncident;
        _api.Messages = _ => CannedResponse.Overloaded();

        var report = await RunAsync();

        Assert.Equal(DoctorVerdict.PlatformIncident, report.Diagnosis.Verdict);
        Assert.Equal("https://stspg.io/f6x8", report.Diagnosis.Evidence["status_page"]?["incident"]?["link"]?.GetValue<string>());
        Assert.Contains("stspg.io/f6x8", report.Diagnosis.Next, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_529sWithAmpleQuotaNoIncident_PlatformOverload()
    {
        _api.Messages = n => n == 2 ? CannedResponse.Ok() : CannedResponse.Overloaded();

        var report = await RunAsync();

        Assert.Equal(DoctorVerdict.PlatformOverload, report.Diagnosis.Verdict);
        Assert.Contains("ample remaining", report.Diagnosis.Evidence["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("req_", report.Direct.Attempts[0].RequestId, StringComparison.Ordinal);
    }

    /// <summary>
    /// A simulated platform storm as the journal keeps it: 41 × 529 over 4 minutes, across 3 models, each 529 with the
    /// organisation's rate-limit headers (requests 3,680-3,800 of 4,000 left, so 92 % or more remaining).
    /// </summary>
    private AttemptRecord[] Storm()
    {
        string[] models = ["claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1"];
        return [.. Enumerable.Range(0, 41).Select(i => Failure(FailureKind.Overloaded, 529, TimeSpan.FromMinutes(14) - TimeSpan.FromSeconds(i * 6)) with
        {
            Model = models[i % 3],
            ErrorType = "overloaded_error",
            RateLimits = RequestsLeft(3800 - (i % 5 * 30), 4000),
        })];
    }

    private static RateLimitSnapshot RequestsLeft(long remaining, long limit) => new()
    {
        Requests = new RateLimitWindow(limit, remaining, null),
        Windows = new Dictionary<string, RateLimitWindow> { ["requests"] = new(limit, remaining, null) },
    };

    [Fact]
    public async Task RunAsync_AfterAPlatformStorm_PlatformOverloadWithAndWithoutAKey()
    {
        await WriteJournalAsync(Storm());

        var withoutKey = await RunAsync(Env(key: null));
        var withKey = await RunAsync();

        Assert.Equal(DoctorVerdict.PlatformOverload, withoutKey.Diagnosis.Verdict);
        Assert.Equal(DoctorVerdict.PlatformOverload, withKey.Diagnosis.Verdict);
        Assert.True(withKey.Direct.AllSucceeded);
        Assert.Equal(41, withKey.Journal.Overloaded);
        const string decidedBy = "41 × 529 overloaded_error across 3 models with 92 % quota remaining or more; your request usage stayed at 5 %–8 % of the requests limit; no acceleration 429s";
        Assert.Equal(decidedBy, withKey.Diagnosis.Evidence["decided_by"]!.GetValue<string>());
        Assert.Equal(decidedBy, withoutKey.Diagnosis.Evidence["decided_by"]!.GetValue<string>());
        Assert.Contains("A minimal request succeeds now: the storm has passed.", withKey.Diagnosis.Evidence["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("ANTHROPIC_API_KEY is not set", withoutKey.Diagnosis.Evidence["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_529sWhileThisMachinesOwnRequestRateRose_SelfInflicted()
    {
        // The same 529s, but the requests window fills from 5 % to 60 % used while they happen: the load that rose is ours.
        var storm = Storm().Select((r, i) => r with { RateLimits = RequestsLeft(3800 - (i * 50), 4000) }).ToArray();
        await WriteJournalAsync(storm);

        var report = await RunAsync();

        Assert.Equal(DoctorVerdict.SelfInflicted, report.Diagnosis.Verdict);
        Assert.Equal("41 × 529 overloaded_error while your request usage rose from 5 % to 55 % of the requests limit", report.Diagnosis.Evidence["decided_by"]!.GetValue<string>());
    }

    [Fact]
    public async Task ExecuteAsync_HumanAfterAStorm_SaysWhichEvidenceDecided()
    {
        await WriteJournalAsync(Storm());
        var console = new TestConsole();

        var exit = await new DoctorCommand(Env(), console.Console).ExecuteAsync(new CommandContext([], new TestRemainingArguments(), "doctor", null), Settings(), CancellationToken.None);

        Assert.Equal(11, exit);
        Assert.Contains("Verdict: platform-overload", console.Output, StringComparison.Ordinal);
        Assert.Contains("decided by: 41 × 529 overloaded_error across 3 models", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ProbeGets429WithLargeRemaining_SelfInflicted()
    {
        _api.Messages = _ =>
        {
            var headers = CannedResponse.RateLimits(45);
            headers["retry-after"] = "3";
            return CannedResponse.Error(429, "rate_limit_error", "Rate limited: too many requests in a short burst", headers);
        };

        var report = await RunAsync();

        Assert.Equal(DoctorVerdict.SelfInflicted, report.Diagnosis.Verdict);
        Assert.Contains("acceleration", report.Diagnosis.Evidence["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_429NearZeroRemaining_Quota()
    {
        _api.Messages = _ =>
        {
            var headers = CannedResponse.RateLimits(0);
            headers["retry-after"] = "20";
            return CannedResponse.Error(429, "rate_limit_error", "Number of requests has exceeded your per-minute rate limit", headers);
        };

        var report = await RunAsync();

        Assert.Equal(DoctorVerdict.Quota, report.Diagnosis.Verdict);
    }

    [Fact]
    public async Task RunAsync_429WithoutRetryAfter_Quota()
    {
        _api.Messages = _ => CannedResponse.Error(429, "rate_limit_error", "Rate limited", CannedResponse.RateLimits(40));

        var report = await RunAsync();

        Assert.Equal(DoctorVerdict.Quota, report.Diagnosis.Verdict);
        Assert.Equal(FailureKind.SpendLimit, report.Direct.Attempts[0].Kind);
    }

    [Fact]
    public async Task RunAsync_400NamingSpendLimit_Quota()
    {
        _api.Messages = _ => CannedResponse.Error(400, "invalid_request_error", "You have reached your specified workspace API usage limits (spend limit).");

        var report = await RunAsync();

        Assert.Equal(DoctorVerdict.Quota, report.Diagnosis.Verdict);
    }

    [Theory]
    [InlineData(401, "authentication_error", "invalid x-api-key")]
    [InlineData(402, "billing_error", "Your credit card was declined")]
    [InlineData(403, "permission_error", "Your API key does not have permission to use the specified resource.")]
    [InlineData(404, "not_found_error", "model: claude-haiku-9")]
    [InlineData(400, "invalid_request_error", "max_tokens: Field required")]
    public async Task RunAsync_RequestRejected_ClientError(int status, string type, string message)
    {
        _api.Messages = _ => CannedResponse.Error(status, type, message);

        var report = await RunAsync();

        Assert.Equal(DoctorVerdict.ClientError, report.Diagnosis.Verdict);
        Assert.Contains(type, report.Diagnosis.Evidence["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_DirectFineGatewayReturnsHtml503_GatewayMasking()
    {
        await using var gateway = await FakeAnthropic.StartAsync();
        gateway.Messages = _ => CannedResponse.ProxyPage();

        var report = await RunAsync(Env(baseUrlVariable: gateway.BaseUrl));

        Assert.Equal(DoctorVerdict.GatewayMasking, report.Diagnosis.Verdict);
        Assert.Equal(3, gateway.MessageCalls);
        Assert.Equal(3, _api.MessageCalls);
        Assert.Equal(FailureKind.ProxyError, report.Gateway!.Attempts[0].Kind);
    }

    [Fact]
    public async Task RunAsync_BaseUrlVariableSameAsDirect_ProbesOnce()
    {
        var report = await RunAsync(Env(baseUrlVariable: _api.BaseUrl.TrimEnd('/')));

        Assert.Null(report.Gateway);
        Assert.Equal(3, _api.MessageCalls);
    }

    [Fact]
    public async Task RunAsync_ClosedLoopbackPort_Network()
    {
        var closed = ClosedLoopbackUrl();

        var report = await RunAsync(settings: Settings(baseUrl: closed, statusUrl: closed));

        Assert.Equal(DoctorVerdict.Network, report.Diagnosis.Verdict);
        Assert.All(report.Direct.Attempts, a => Assert.Equal("connection refused", a.NetworkError));
        Assert.False(report.Status.IsKnown);
    }

    [Fact]
    public async Task RunAsync_DnsFailureInjected_NetworkNamingDns()
    {
        var env = Env(handler: () => new SocketsHttpHandler
        {
            ConnectCallback = (_, _) => throw new SocketException((int)SocketError.HostNotFound),
        });

        var report = await RunAsync(env, Settings(baseUrl: "https://api.anthropic.invalid", statusUrl: "https://status.anthropic.invalid"));

        Assert.Equal(DoctorVerdict.Network, report.Diagnosis.Verdict);
        Assert.All(report.Direct.Attempts, a => Assert.Equal("dns", a.NetworkError));
        Assert.Contains("DNS", report.Diagnosis.Next, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NoKey_SaysSoAndStillChecksStatusPage()
    {
        _api.Summary = CliStatusFixtures.ActiveIncident;

        var report = await RunAsync(Env(key: null));

        Assert.Equal(0, _api.MessageCalls);
        Assert.Equal(1, _api.StatusCalls);
        Assert.Equal("ANTHROPIC_API_KEY is not set", report.Direct.Skipped);
        Assert.Equal(DoctorVerdict.PlatformIncident, report.Diagnosis.Verdict);
    }

    [Fact]
    public async Task RunAsync_UpstreamEchoesKey_KeyNeverInReportOrOutput()
    {
        _api.Messages = _ => CannedResponse.Error(401, "authentication_error", $"invalid x-api-key: {Key}");
        var console = new TestConsole();
        var command = new DoctorCommand(Env(), console.Console);

        var human = await command.ExecuteAsync(new CommandContext([], new TestRemainingArguments(), "doctor", null), Settings(), CancellationToken.None);
        var jsonConsole = new TestConsole();
        await new DoctorCommand(Env(), jsonConsole.Console).ExecuteAsync(new CommandContext([], new TestRemainingArguments(), "doctor", null),
            new DoctorSettings { BaseUrl = _api.BaseUrl, StatusUrl = _api.BaseUrl, Journal = _journal, Json = true }, CancellationToken.None);

        Assert.Equal((int)DoctorVerdict.ClientError, human);
        foreach (var output in new[] { console.Output, jsonConsole.Output })
        {
            Assert.DoesNotContain(Key[..16], output, StringComparison.Ordinal);
            Assert.DoesNotContain("TESTKEY", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ExecuteAsync_Json_PrintsVerdictEvidenceNextAndReturnsExitCode()
    {
        _api.Messages = _ => CannedResponse.Overloaded();
        var console = new TestConsole();

        var exit = await new DoctorCommand(Env(), console.Console).ExecuteAsync(new CommandContext([], new TestRemainingArguments(), "doctor", null),
            new DoctorSettings { BaseUrl = _api.BaseUrl, StatusUrl = _api.BaseUrl, Journal = _journal, Json = true }, CancellationToken.None);

        var json = JsonNode.Parse(console.Output)!.AsObject();
        Assert.Equal(["verdict", "evidence", "next"], json.Select(p => p.Key));
        Assert.Equal("platform-overload", json["verdict"]!.GetValue<string>());
        Assert.Equal(11, exit);
        Assert.Equal(3, json["evidence"]!["direct_probe"]!["attempts"]!.AsArray().Count);
    }

    [Fact]
    public async Task ExecuteAsync_Human_PrintsEveryStepAndTheVerdict()
    {
        var console = new TestConsole();

        var exit = await new DoctorCommand(Env(), console.Console).ExecuteAsync(new CommandContext([], new TestRemainingArguments(), "doctor", null), Settings(), CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.Contains("Status page", console.Output, StringComparison.Ordinal);
        Assert.Contains("Probe direct", console.Output, StringComparison.Ordinal);
        Assert.Contains("Journal", console.Output, StringComparison.Ordinal);
        Assert.Contains("Verdict: healthy", console.Output, StringComparison.Ordinal);
        Assert.Contains("requests 49/50", console.Output, StringComparison.Ordinal);
    }

    private static string ClosedLoopbackUrl()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        socket.Close();
        return $"http://127.0.0.1:{port}/";
    }
}
