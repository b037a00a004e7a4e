using System.Net;
using Breakwater.Tests.TestKit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Breakwater.Tests.Pipeline;

public sealed class BreakwaterHandlerTests
{
    private sealed record Sut(HttpMessageInvoker Invoker, ScriptedHandler Upstream, FakeTimeProvider Time, FakeLogCollector Logs, ILoggerFactory Loggers) : IDisposable
    {
        private readonly List<HttpRequestMessage> _defaultRequests = [];

        public Task<HttpResponseMessage> Send(HttpRequestMessage? request = null) =>
            TimeLoop.Run(Time, Invoker.SendAsync(request ?? DefaultRequest(), CancellationToken.None), TimeSpan.FromMilliseconds(5));

        public void Dispose()
        {
            Invoker.Dispose();
            Loggers.Dispose();
            foreach (var request in _defaultRequests)
            {
                request.Dispose();
            }
        }

        /// <summary>A request this fixture owns (disposed with it), for calls that bring none.</summary>
        private HttpRequestMessage DefaultRequest()
        {
            var request = Api.Request();
            _defaultRequests.Add(request);
            return request;
        }

        public double[] SecondsOfAttempts() => Upstream.Requests.Select(r => (r.At - Upstream.Requests[0].At).TotalSeconds).ToArray();
    }

    private static Sut CreateSut(Func<int, HttpResponseMessage> script, Action<BreakwaterOptions>? configure = null, double unit = 0) =>
        CreateSut((n, _, _) => Task.FromResult(script(n)), configure, unit);

    private static Sut CreateSut(Func<int, HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> script, Action<BreakwaterOptions>? configure = null, double unit = 0)
    {
        var time = new ObservableTimeProvider();
        var upstream = new ScriptedHandler(time, script);
        var logs = new FakeLogCollector();
        #pragma warning disable CA2000 // Ownership moves to the returned Sut: its invoker disposes the handler chain, and Sut.Dispose disposes the invoker and the logger factory.
        var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)).SetMinimumLevel(LogLevel.Debug));
        var options = new BreakwaterOptions();
        configure?.Invoke(options);
        var handler = new BreakwaterHandler(options, time, new FixedRandom(unit), loggerFactory) { InnerHandler = upstream };
        return new Sut(new HttpMessageInvoker(handler), upstream, time, logs, loggerFactory);
        #pragma warning restore CA2000
    }

    private static string Header(HttpResponseMessage r, string name) =>
        r.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : "";

    [Fact]
    public async Task SendAsync_Overloaded4TimesThenOk_RetriesAtPlanWaitsAndSucceeds()
    {
        using var sut = CreateSut(n => n < 4 ? Api.Overloaded($"req_{n}") : Api.Ok("req_ok"));

        using var response = await sut.Send();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(5, sut.Upstream.Count);
        // 1 s doubling, no jitter when U = 0: attempts at 0, 1, 3, 7, 15 s.
        Assert.Equal([0, 1, 3, 7, 15], sut.SecondsOfAttempts().Select(s => Math.Round(s, 2)));
        Assert.Equal("5", Header(response, BreakwaterHeaders.Attempts));
        Assert.Equal("req_0,req_1,req_2,req_3,req_ok", Header(response, BreakwaterHeaders.RequestIds));
        Assert.Equal("", Header(response, BreakwaterHeaders.GiveUp));
    }

    [Fact]
    public async Task SendAsync_OverloadedJitter_SpreadsWaitByUpTo75Percent()
    {
        using var sut = CreateSut(n => n < 2 ? Api.Overloaded($"req_{n}") : Api.Ok("req_ok"), unit: 0.5);

        using var response = await sut.Send();

        // wait = backoff × (1 + 0.5 × 0.75): 1.375 s, then 2.75 s.
        Assert.Equal([0, 1.375, 4.125], sut.SecondsOfAttempts().Select(s => Math.Round(s, 3)));
    }

    [Fact]
    public async Task SendAsync_AlwaysOverloaded_GivesUpAfter5AttemptsWithBodyUnchanged()
    {
        using var sut = CreateSut(n => Api.Overloaded($"req_{n}"));

        using var response = await sut.Send();

        Assert.Equal(529, (int)response.StatusCode);
        Assert.Equal(5, sut.Upstream.Count);
        Assert.Equal("attempts", Header(response, BreakwaterHeaders.GiveUp));
        Assert.Equal("req_0,req_1,req_2,req_3,req_4", Header(response, BreakwaterHeaders.RequestIds));
        Assert.Equal(Api.ErrorJson("overloaded_error", "Overloaded", "req_4"), await response.Content.ReadAsStringAsync());
        Assert.Equal("req_4", Header(response, "request-id"));
    }

    [Fact]
    public async Task SendAsync_RateLimitedWithRetryAfter90_WaitsExactly90SecondsPlusSpread()
    {
        using var sut = CreateSut(n => n == 0 ? Api.Error(429, "rate_limit_error", "req_rl", ("retry-after", "90")) : Api.Ok("req_ok"), unit: 0.5);

        using var response = await sut.Send();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // max(backoff 0, 90 s) × (1 + 0.5 × 0.1) = 94.5 s; never before 90 s.
        Assert.Equal(94.5, Math.Round(sut.SecondsOfAttempts()[1], 2));
    }

    [Fact]
    public async Task SendAsync_RateLimitedAlways_RetriesAtMost3Times()
    {
        using var sut = CreateSut(n => Api.Error(429, "rate_limit_error", $"req_{n}", ("retry-after", "5")));

        using var response = await sut.Send();

        Assert.Equal(4, sut.Upstream.Count);
        Assert.Equal([0, 5, 10, 15], sut.SecondsOfAttempts().Select(s => Math.Round(s, 2)));
        Assert.Equal("attempts", Header(response, BreakwaterHeaders.GiveUp));
    }

    [Fact]
    public async Task SendAsync_RetryAfterMs_WinsOverRetryAfter()
    {
        using var sut = CreateSut(n => n == 0 ? Api.Error(429, "rate_limit_error", "req_rl", ("retry-after", "30"), ("retry-after-ms", "2500")) : Api.Ok("req_ok"));

        using var response = await sut.Send();

        Assert.Equal(2.5, Math.Round(sut.SecondsOfAttempts()[1], 2));
    }

    [Fact]
    public async Task SendAsync_RateLimitedWithoutRetryAfter_IsSpendCapAndNotRetried()
    {
        using var sut = CreateSut(n => Api.Error(429, "rate_limit_error", "req_cap"));

        using var response = await sut.Send();

        Assert.Equal(1, sut.Upstream.Count);
        Assert.Equal("not-retryable", Header(response, BreakwaterHeaders.GiveUp));
    }

    [Theory]
    [InlineData(400, "invalid_request_error")]
    [InlineData(401, "authentication_error")]
    [InlineData(402, "billing_error")]
    [InlineData(403, "permission_error")]
    [InlineData(404, "not_found_error")]
    [InlineData(413, "request_too_large")]
    public async Task SendAsync_CallerError_IsNeverRetried(int status, string type)
    {
        using var sut = CreateSut(n => Api.Error(status, type, "req_x"));

        using var response = await sut.Send();

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(1, sut.Upstream.Count);
        Assert.Equal("not-retryable", Header(response, BreakwaterHeaders.GiveUp));
    }

    [Fact]
    public async Task SendAsync_Conflict_IsRetriedOnce()
    {
        using var sut = CreateSut(n => Api.Error(409, "conflict_error", $"req_{n}"));

        using var response = await sut.Send();

        Assert.Equal(2, sut.Upstream.Count);
        Assert.Equal("attempts", Header(response, BreakwaterHeaders.GiveUp));
    }

    [Theory]
    [InlineData(500, "api_error")]
    [InlineData(504, "timeout_error")]
    public async Task SendAsync_ServerError_RetriedTwiceWithShortBackoff(int status, string type)
    {
        using var sut = CreateSut(n => Api.Error(status, type, $"req_{n}"));

        using var response = await sut.Send();

        Assert.Equal(3, sut.Upstream.Count);
        Assert.Equal([0, 0.5, 1.5], sut.SecondsOfAttempts().Select(s => Math.Round(s, 2)));
        Assert.Equal("attempts", Header(response, BreakwaterHeaders.GiveUp));
    }

    [Fact]
    public async Task SendAsync_ServerErrorWithLongRetryAfter_NotRetriedPastThe8SecondWindow()
    {
        using var sut = CreateSut(n => Api.Error(500, "api_error", $"req_{n}", ("retry-after", "30")));

        using var response = await sut.Send();

        Assert.Equal(1, sut.Upstream.Count);
        Assert.Equal("attempts", Header(response, BreakwaterHeaders.GiveUp));
    }

    [Theory]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task SendAsync_ProxyHtmlPage_RetriedWithServerPlanAndPassedThrough(int status)
    {
        using var sut = CreateSut(n => Api.Html(status));

        using var response = await sut.Send();

        Assert.Equal(3, sut.Upstream.Count);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains("Service Unavailable", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("", Header(response, BreakwaterHeaders.RequestIds));
    }

    [Fact]
    public async Task SendAsync_ConnectionFailures_ThrowBreakwaterExceptionAfter3Attempts()
    {
        using var sut = CreateSut((n, _, _) => Task.FromException<HttpResponseMessage>(new HttpRequestException("Connection refused (127.0.0.1:1)", null, HttpStatusCode.ServiceUnavailable)));

        var ex = await Assert.ThrowsAsync<BreakwaterException>(() => sut.Send());

        Assert.Equal(3, sut.Upstream.Count);
        Assert.Equal(3, ex.Attempts);
        Assert.Equal(Breakwater.Retry.GiveUpReason.Attempts, ex.GiveUp);
        Assert.Equal(Breakwater.Classification.FailureKind.ConnectionFailure, ex.Kind);
        Assert.IsAssignableFrom<HttpRequestException>(ex);
    }

    [Fact]
    public async Task SendAsync_ConnectionFailureThenOk_Succeeds()
    {
        using var sut = CreateSut((n, _, _) => n == 0 ? Task.FromException<HttpResponseMessage>(new HttpRequestException("reset")) : Task.FromResult(Api.Ok("req_ok")));

        using var response = await sut.Send();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, sut.Upstream.Count);
    }

    [Fact]
    public async Task SendAsync_AttemptTimeout_IsRetriedThenGivesUp()
    {
        using var sut = CreateSut(
            (n, _, ct) =>
            {
                // Never answers; completes (cancelled) exactly when the attempt timeout fires, on that thread.
                var never = new TaskCompletionSource<HttpResponseMessage>();
                ct.Register(() => never.TrySetCanceled(ct));
                return never.Task;
            },
            o => o.AttemptTimeout = TimeSpan.FromSeconds(5));

        var ex = await Assert.ThrowsAsync<BreakwaterException>(() => sut.Send());

        Assert.Equal(3, sut.Upstream.Count);
        Assert.Equal(Breakwater.Classification.FailureKind.AttemptTimeout, ex.Kind);
        // 5 s timeout, 0.5 s wait, 5 s, 1 s wait.
        Assert.Equal([0, 5.5, 11.5], sut.SecondsOfAttempts().Select(s => Math.Round(s, 1)));
    }

    [Fact]
    public async Task SendAsync_ShouldRetryFalse_StopsEvenOnOverload()
    {
        using var sut = CreateSut(n => Api.Overloaded("req_0", ("x-should-retry", "false")));

        using var response = await sut.Send();

        Assert.Equal(1, sut.Upstream.Count);
        Assert.Equal("not-retryable", Header(response, BreakwaterHeaders.GiveUp));
    }

    [Fact]
    public async Task SendAsync_ShouldRetryTrueOn400_RetriedWithinShortPlan()
    {
        using var sut = CreateSut(n => Api.Error(400, "invalid_request_error", $"req_{n}", ("x-should-retry", "true")));

        using var response = await sut.Send();

        Assert.Equal(3, sut.Upstream.Count);
        Assert.Equal("attempts", Header(response, BreakwaterHeaders.GiveUp));
    }

    [Fact]
    public async Task SendAsync_ShouldRetryTrueButBudgetEmpty_DoesNotRetry()
    {
        using var sut = CreateSut(n => Api.Overloaded($"req_{n}", ("x-should-retry", "true")), o => { o.Budget.MinRetries = 0; o.Budget.Ratio = 0; });

        using var response = await sut.Send();

        Assert.Equal(1, sut.Upstream.Count);
        Assert.Equal("budget", Header(response, BreakwaterHeaders.GiveUp));
    }

    [Fact]
    public async Task SendAsync_WaitWouldPassDeadline_GivesUpWithDeadline()
    {
        using var sut = CreateSut(n => Api.Overloaded($"req_{n}"), o => o.TotalDeadline = TimeSpan.FromSeconds(5));

        using var response = await sut.Send();

        // Attempts at 0, 1, 3; the next wait (4 s) would end at 7 s > 5 s.
        Assert.Equal(3, sut.Upstream.Count);
        Assert.Equal("deadline", Header(response, BreakwaterHeaders.GiveUp));
    }

    [Fact]
    public async Task SendAsync_PerCallDeadlineOption_ShortensTheDeadline()
    {
        using var sut = CreateSut(n => Api.Overloaded($"req_{n}"));
        using var request = Api.Request();
        request.Options.Set(BreakwaterRequestOptions.Deadline, TimeSpan.FromSeconds(2));

        using var response = await sut.Send(request);

        Assert.Equal(2, sut.Upstream.Count);
        Assert.Equal("deadline", Header(response, BreakwaterHeaders.GiveUp));
    }

    [Fact]
    public async Task SendAsync_EveryAttempt_SendsIdenticalBodyBytesAndStripsBreakwaterHeaders()
    {
        using var sut = CreateSut(n => n < 2 ? Api.Overloaded($"req_{n}") : Api.Ok("req_ok"));
        using var request = Api.Request();
        request.Headers.TryAddWithoutValidation(BreakwaterHeaders.Fallback, "deny");
        var original = await request.Content!.ReadAsByteArrayAsync();

        using var response = await sut.Send(request);

        Assert.Equal(3, sut.Upstream.Count);
        Assert.All(sut.Upstream.Requests, r => Assert.Equal(original, r.Body));
        Assert.All(sut.Upstream.Requests, r => Assert.DoesNotContain(r.Headers, h => h.Name.StartsWith("breakwater-", StringComparison.OrdinalIgnoreCase)));
        Assert.All(sut.Upstream.Requests, r => Assert.Contains(r.Headers, h => h.Name == "x-api-key"));
    }

    [Fact]
    public async Task SendAsync_HugeErrorBody_IsPassedThroughWhole()
    {
        var huge = new string('x', 300_000);
        using var sut = CreateSut(n => new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StringContent(huge) });

        using var response = await sut.Send();

        Assert.Equal(huge, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SendAsync_Logs_CarryRequestIdsAndNeverTheKey()
    {
        using var sut = CreateSut(n => n < 1 ? Api.Overloaded("req_logged_1") : Api.Error(400, "invalid_request_error", "req_logged_2"));

        using var response = await sut.Send();

        var text = string.Join("\n", sut.Logs.GetSnapshot().Select(l => l.Message));
        Assert.Contains("req_logged_1", text, StringComparison.Ordinal);
        Assert.Contains("req_logged_2", text, StringComparison.Ordinal);
        Assert.Contains("Attempt 1 of 5", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Api.Key, text, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_ConnectionFailureException_NeverCarriesTheKey()
    {
        using var sut = CreateSut((n, _, _) => Task.FromException<HttpResponseMessage>(new HttpRequestException("boom")));

        var ex = await Assert.ThrowsAsync<BreakwaterException>(() => sut.Send());

        Assert.DoesNotContain("SECRET", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_CallerCancels_PropagatesCancellation()
    {
        using var sut = CreateSut(n => Api.Overloaded($"req_{n}"));
        using var cts = new CancellationTokenSource();
        using var request = Api.Request();
        var task = sut.Invoker.SendAsync(request, cts.Token);
        await cts.CancelAsync();
        sut.Time.Advance(TimeSpan.FromSeconds(2));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.Equal(1, sut.Upstream.Count);
    }
}
