using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Breakwater.Anthropic;
using Breakwater.Classification;
using Breakwater.Retry;
using Breakwater.Tests.Anthropic;
using Microsoft.Extensions.Time.Testing;

namespace Breakwater.Tests.Classification;

public sealed class ClassifierTests
{
    private static readonly FakeTimeProvider Time = new(new DateTimeOffset(2025, 11, 3, 12, 0, 0, TimeSpan.Zero));

    private static Outcome CreateSut(int status, string body, params (string, string)[] headers) =>
        Classifier.Classify(status, TestHeaders.Of(headers), ErrorBodyParser.Parse(Encoding.UTF8.GetBytes(body)), Time.GetUtcNow());

    private static string Body(string type, string message = "m", string? requestId = "req_body") =>
        requestId is null
            ? $$$"""{"type":"error","error":{"type":"{{{type}}}","message":"{{{message}}}"}}"""
            : $$"""{"type":"error","error":{"type":"{{type}}","message":"{{message}}"},"request_id":"{{requestId}}"}""";

    private const string ProxyHtml = "<html><head><title>{0}</title></head><body><center><h1>{0}</h1></center><hr><center>nginx</center></body></html>";
    private static readonly System.Text.CompositeFormat ProxyHtmlFormat = System.Text.CompositeFormat.Parse(ProxyHtml);

    // ---- status AND type -----------------------------------------------------------------------------------------

    [Fact]
    public void Classify_529WhoseBodySaysApiError_ApiError()
    {
        var outcome = CreateSut(529, Body("api_error"), ("request-id", "req_1"));

        Assert.Equal(FailureKind.ApiError, outcome.Kind);
        Assert.False(outcome.IsOverloadSignal);
    }

    [Fact]
    public void Classify_500WhoseBodySaysOverloadedError_Overloaded()
    {
        var outcome = CreateSut(500, Body("overloaded_error"), ("request-id", "req_1"));

        Assert.Equal(FailureKind.Overloaded, outcome.Kind);
        Assert.True(outcome.IsOverloadSignal);
    }

    [Theory]
    [InlineData(502, false)]
    [InlineData(503, true)]
    [InlineData(529, true)]
    public void Classify_ProxyHtmlPageWithoutRequestId_ProxyError(int status, bool overloadSignal)
    {
        var outcome = CreateSut(status, string.Format(System.Globalization.CultureInfo.InvariantCulture, ProxyHtmlFormat, status));

        Assert.Equal(FailureKind.ProxyError, outcome.Kind);
        Assert.Equal(FailureOwner.Intermediary, outcome.Info.Owner);
        Assert.Equal(overloadSignal, outcome.IsOverloadSignal);
        Assert.Null(outcome.RequestId);
        Assert.StartsWith("<html>", outcome.RawExcerpt, StringComparison.Ordinal);
        Assert.Null(outcome.ErrorType);
    }

    [Fact]
    public void Classify_ProxyHtml504WithoutRequestId_ProxyErrorNotAnOverloadSignal()
    {
        var outcome = CreateSut(504, "<html>504 Gateway Time-out</html>");

        Assert.Equal(FailureKind.ProxyError, outcome.Kind);
        Assert.False(outcome.IsOverloadSignal);
    }

    [Fact]
    public void Classify_AnthropicShaped529_OverloadedWithRequestId()
    {
        var outcome = CreateSut(529,
            """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded. https://docs.claude.com/en/api/errors"},"request_id":"req_011CZTPSK4MR5c9fkRz13TTk"}""");

        Assert.Equal(FailureKind.Overloaded, outcome.Kind);
        Assert.True(outcome.IsOverloadSignal);
        Assert.Equal("req_011CZTPSK4MR5c9fkRz13TTk", outcome.RequestId);
        Assert.Equal("Overloaded. https://docs.claude.com/en/api/errors", outcome.Message);
        Assert.Null(outcome.RawExcerpt);
    }

    [Fact]
    public void Classify_529WithEmptyBodyAndRequestId_Overloaded()
    {
        Assert.Equal(FailureKind.Overloaded, CreateSut(529, "", ("request-id", "req_1")).Kind);
        Assert.Equal(FailureKind.ProxyError, CreateSut(529, "").Kind);
    }

    [Fact]
    public void Classify_HtmlPageEvenWithRequestId_TypeNeverReadFromHtml()
    {
        var outcome = CreateSut(500, "<html>\"type\":\"overloaded_error\"</html>", ("request-id", "req_1"));

        Assert.Equal(FailureKind.ApiError, outcome.Kind);
    }

    [Fact]
    public void Classify_TruncatedBodyNamingOverloadedError_Overloaded()
    {
        var outcome = CreateSut(500, """{"type":"error","error":{"type":"overloaded_error","message":"Overlo""", ("request-id", "req_1"));

        Assert.Equal(FailureKind.Overloaded, outcome.Kind);
        Assert.NotNull(outcome.RawExcerpt);
    }

    [Fact]
    public void Classify_ForeignJson503WithoutRequestId_ProxyError()
    {
        var outcome = CreateSut(503, """{"error":{"type":"service_unavailable","message":"no healthy upstream"}}""");

        Assert.Equal(FailureKind.ProxyError, outcome.Kind);
        Assert.Equal("service_unavailable", outcome.ErrorType);
    }

    [Fact]
    public void Classify_PlainText503_ProxyError()
    {
        var outcome = CreateSut(503, "upstream connect error or disconnect/reset before headers");

        Assert.Equal(FailureKind.ProxyError, outcome.Kind);
        Assert.True(outcome.IsOverloadSignal);
    }

    [Theory]
    [InlineData(504, FailureKind.Timeout)]
    [InlineData(502, FailureKind.ProxyError)]
    [InlineData(599, FailureKind.ApiError)]
    public void Classify_UnshapedBodyWithRequestId_StatusDecides(int status, FailureKind expected)
    {
        Assert.Equal(expected, CreateSut(status, "", ("request-id", "req_1")).Kind);
    }

    // ---- streams -------------------------------------------------------------------------------------------------

    [Fact]
    public void ClassifyStreamError_OverloadedBeforeFirstDelta_OverloadedBeforeFirstDelta()
    {
        var body = ErrorBodyParser.Parse("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");

        var outcome = Classifier.ClassifyStreamError(body, "req_stream", afterFirstDelta: false, rateLimits: null);

        Assert.Equal(FailureKind.Overloaded, outcome.Kind);
        Assert.Equal(StreamPhase.BeforeFirstDelta, outcome.Phase);
        Assert.Equal(200, outcome.StatusCode);
        Assert.Equal("req_stream", outcome.RequestId);
        Assert.True(outcome.IsOverloadSignal);
    }

    [Fact]
    public void ClassifyStreamError_OverloadedAfterFirstDelta_StreamInterrupted()
    {
        var body = ErrorBodyParser.Parse("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_b"}""");

        var outcome = Classifier.ClassifyStreamError(body, headerRequestId: null, afterFirstDelta: true, rateLimits: null);

        Assert.Equal(FailureKind.StreamInterrupted, outcome.Kind);
        Assert.Equal(StreamPhase.AfterFirstDelta, outcome.Phase);
        Assert.Equal("overloaded_error", outcome.ErrorType);
        Assert.Equal("req_b", outcome.RequestId);
        Assert.Null(new RetryPlans().For(outcome.Kind, outcome.StatusCode));
    }

    [Theory]
    [InlineData("""{"type":"error","error":{"type":"mystery_error","message":"?"}}""")]
    [InlineData("not json at all")]
    [InlineData("")]
    public void ClassifyStreamError_UnknownOrMissingTypeBeforeFirstDelta_ApiError(string data)
    {
        var outcome = Classifier.ClassifyStreamError(ErrorBodyParser.Parse(data), "req_1", afterFirstDelta: false, rateLimits: null);

        Assert.Equal(FailureKind.ApiError, outcome.Kind);
        Assert.NotNull(new RetryPlans().For(outcome.Kind, outcome.StatusCode));
    }

    [Fact]
    public void ClassifyStreamError_FromSseReader_EndToEnd()
    {
        var reader = new SseReader();
        var events = new List<SseEvent>();
        reader.Feed("event: message_start\ndata: {\"type\":\"message_start\"}\n\nevent: error\r\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\r\n\r\n"u8, events);

        var error = events.Single(e => e.Event == "error");
        var sawDelta = events.Any(e => e.Event == "content_block_delta");
        var outcome = Classifier.ClassifyStreamError(ErrorBodyParser.Parse(error.Data), "req_1", sawDelta, rateLimits: null);

        Assert.Equal(FailureKind.Overloaded, outcome.Kind);
        Assert.Equal(StreamPhase.BeforeFirstDelta, outcome.Phase);
    }

    // ---- unknown types ---------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(418)]
    [InlineData(422)]
    [InlineData(429)]
    public void Classify_UnknownTypeOn4xx_UnknownAndNotRetried(int status)
    {
        var outcome = CreateSut(status, Body("brand_new_error"), ("request-id", "req_1"), ("retry-after", "5"));

        Assert.Equal(FailureKind.Unknown, outcome.Kind);
        Assert.Equal("brand_new_error", outcome.ErrorType);
        Assert.Equal("req_1", outcome.RequestId);
        Assert.Null(new RetryPlans().For(outcome.Kind, outcome.StatusCode));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(529)]
    public void Classify_UnknownTypeOn5xx_UnknownAndRetriedLikeAServerError(int status)
    {
        var outcome = CreateSut(status, Body("brand_new_error"), ("request-id", "req_1"));

        Assert.Equal(FailureKind.Unknown, outcome.Kind);
        Assert.False(outcome.IsOverloadSignal);
        Assert.NotNull(new RetryPlans().For(outcome.Kind, outcome.StatusCode));
    }

    [Theory]
    [InlineData(418)]
    [InlineData(301)]
    [InlineData(100)]
    public void Classify_UnknownStatusWithoutBody_Unknown(int status)
    {
        Assert.Equal(FailureKind.Unknown, CreateSut(status, "").Kind);
    }

    [Fact]
    public void Classify_OtherFourXxWithInvalidRequestError_InvalidRequest()
    {
        // Errors page: invalid_request_error "may also be used for other 4XX status codes not listed".
        Assert.Equal(FailureKind.InvalidRequest, CreateSut(422, Body("invalid_request_error"), ("request-id", "req_1")).Kind);
    }

    // ---- spend caps ------------------------------------------------------------------------------------------------

    [Fact]
    public void Classify_429WithoutRetryAfter_SpendLimit()
    {
        var outcome = CreateSut(429, Body("rate_limit_error", "Number of requests has exceeded your rate limit"), ("request-id", "req_1"));

        Assert.Equal(FailureKind.SpendLimit, outcome.Kind);
        Assert.Null(new RetryPlans().For(outcome.Kind, outcome.StatusCode));
    }

    [Theory]
    [InlineData("retry-after", "30")]
    [InlineData("retry-after-ms", "1500")]
    [InlineData("retry-after", "Mon, 03 Nov 2025 12:00:30 GMT")]
    public void Classify_429WithARetryHint_RateLimited(string header, string value)
    {
        var outcome = CreateSut(429, Body("rate_limit_error"), ("request-id", "req_1"), (header, value));

        Assert.Equal(FailureKind.RateLimited, outcome.Kind);
        Assert.NotNull(outcome.Hints.RetryAfter);
    }

    [Fact]
    public void Classify_429WithEnforcedSpendLimitCode_SpendLimitEvenWithRetryAfter()
    {
        // Rate limits page: the monthly spend cap is a 429 rate_limit_error with error.details.error_code
        // enforced_spend_limit_reached.
        var outcome = CreateSut(429,
            """{"type":"error","error":{"type":"rate_limit_error","message":"You have reached your API usage limits.","details":{"error_code":"enforced_spend_limit_reached"}},"request_id":"req_1"}""",
            ("retry-after", "60"));

        Assert.Equal(FailureKind.SpendLimit, outcome.Kind);
    }

    [Theory]
    [InlineData("You have reached your specified API usage limits. You will regain access on 2026-09-01 at 00:00 UTC.")]
    [InlineData("You have reached your specified workspace API usage limits. You will regain access on 2026-09-01 at 00:00 UTC.")]
    [InlineData("This organization has hit its spend limit.")]
    [InlineData("Workspace spending-limit reached")]
    public void Classify_400WhoseMessageNamesASpendLimit_SpendLimit(string message)
    {
        // Errors page: "The API also returns a 400 when usage reaches an organization or workspace spend limit you set".
        var outcome = CreateSut(400, Body("invalid_request_error", message), ("request-id", "req_1"));

        Assert.Equal(FailureKind.SpendLimit, outcome.Kind);
        Assert.Equal(message, outcome.Message);
    }

    [Fact]
    public void Classify_400CreditBalanceTooLow_Billing()
    {
        var outcome = CreateSut(400, Body("invalid_request_error", "Your credit balance is too low to access the Anthropic API."), ("request-id", "req_1"));

        Assert.Equal(FailureKind.Billing, outcome.Kind);
    }

    [Fact]
    public void Classify_Ordinary400_InvalidRequest()
    {
        var outcome = CreateSut(400, Body("invalid_request_error", "max_tokens: Field required"), ("request-id", "req_1"));

        Assert.Equal(FailureKind.InvalidRequest, outcome.Kind);
    }

    [Fact]
    public void Classify_Proxy429WithoutRetryAfter_SpendLimit()
    {
        Assert.Equal(FailureKind.SpendLimit, CreateSut(429, "<html>Too Many Requests</html>").Kind);
        Assert.Equal(FailureKind.RateLimited, CreateSut(429, "<html>Too Many Requests</html>", ("retry-after", "3")).Kind);
    }

    // ---- request ids, hints, rate limits ---------------------------------------------------------------------------

    [Fact]
    public void Classify_RequestIdHeaderAndBody_HeaderWins()
    {
        Assert.Equal("req_header", CreateSut(500, Body("api_error", requestId: "req_body"), ("request-id", "req_header")).RequestId);
        Assert.Equal("req_body", CreateSut(500, Body("api_error", requestId: "req_body")).RequestId);
        Assert.Equal("req_body", CreateSut(500, Body("api_error", requestId: "req_body"), ("request-id", "  ")).RequestId);
        Assert.Null(CreateSut(500, Body("api_error", requestId: null)).RequestId);
    }

    [Fact]
    public void Classify_529WithAmpleRateLimitHeaders_ReadingSaysPlatformCapacity()
    {
        var outcome = CreateSut(529, Body("overloaded_error"),
            ("request-id", "req_1"),
            ("anthropic-ratelimit-requests-limit", "4000"),
            ("anthropic-ratelimit-requests-remaining", "3987"),
            ("anthropic-ratelimit-tokens-limit", "400000"),
            ("anthropic-ratelimit-tokens-remaining", "398420"),
            ("retry-after", "12"),
            ("x-should-retry", "true"));

        Assert.Equal(FailureKind.Overloaded, outcome.Kind);
        Assert.Equal(RateLimitReading.AmpleQuota, outcome.RateLimits!.Reading);
        Assert.Equal(TimeSpan.FromSeconds(12), outcome.Hints.RetryAfter);
        Assert.True(outcome.Hints.ShouldRetry);
    }

    [Fact]
    public void Classify_Success_NoneWithRequestIdAndRateLimits()
    {
        var outcome = CreateSut(200, "", ("request-id", "req_ok"), ("anthropic-ratelimit-requests-limit", "50"), ("anthropic-ratelimit-requests-remaining", "1"));

        Assert.True(outcome.IsSuccess);
        Assert.Equal(FailureKind.None, outcome.Kind);
        Assert.Equal("req_ok", outcome.RequestId);
        Assert.Equal(RateLimitReading.QuotaPressure, outcome.RateLimits!.Reading);
        Assert.Equal(FailureOwner.None, outcome.Info.Owner);
    }

    [Fact]
    public void Classify_ShapedBody_NoRawExcerpt_UnshapedBody_ExcerptKept()
    {
        Assert.Null(CreateSut(500, Body("api_error")).RawExcerpt);
        Assert.Equal("oops", CreateSut(500, "oops").RawExcerpt);
    }

    // ---- exceptions ------------------------------------------------------------------------------------------------

    [Fact]
    public void ClassifyException_AttemptTimedOut_AttemptTimeout()
    {
        var outcome = Classifier.ClassifyException(new TaskCanceledException(), attemptTimedOut: true);

        Assert.Equal(FailureKind.AttemptTimeout, outcome.Kind);
        Assert.Null(outcome.StatusCode);
        Assert.Equal("attempt timeout expired", outcome.Message);
        Assert.NotNull(new RetryPlans().For(outcome.Kind, outcome.StatusCode));
    }

    [Fact]
    public void ClassifyException_SocketRefused_ConnectionFailureWithTerseMessage()
    {
        var ex = new HttpRequestException("Connection refused (api.anthropic.com:443) sk-ant-api03-SECRET", new SocketException((int)SocketError.ConnectionRefused));

        var outcome = Classifier.ClassifyException(ex, attemptTimedOut: false);

        Assert.Equal(FailureKind.ConnectionFailure, outcome.Kind);
        Assert.Equal("socket error ConnectionRefused", outcome.Message);
        Assert.DoesNotContain("sk-ant", outcome.Message, StringComparison.Ordinal);
        Assert.Same(ex, outcome.Exception);
    }

    [Fact]
    public void ClassifyException_HttpRequestErrorKnown_NamedByErrorCode()
    {
        var ex = new HttpRequestException(HttpRequestError.ResponseEnded, "ended sk-ant-SECRET");

        var outcome = Classifier.ClassifyException(ex, attemptTimedOut: false);

        Assert.Equal("http request error ResponseEnded", outcome.Message);
    }

    [Fact]
    public void ClassifyException_AfterFirstDelta_StreamInterrupted()
    {
        var outcome = Classifier.ClassifyException(new IOException("reset"), attemptTimedOut: false, StreamPhase.AfterFirstDelta, "req_s");

        Assert.Equal(FailureKind.StreamInterrupted, outcome.Kind);
        Assert.Equal(StreamPhase.AfterFirstDelta, outcome.Phase);
        Assert.Equal("req_s", outcome.RequestId);
        Assert.Equal("IOException", outcome.Message);
    }

    [Fact]
    public void Classify_ResponseHeadersObject_NotMutated()
    {
        HttpResponseHeaders headers = TestHeaders.Of(("request-id", "req_1"), ("retry-after", "1"));

        _ = Classifier.Classify(529, headers, AnthropicError.Empty, Time.GetUtcNow());

        Assert.Equal(2, headers.Count());
    }
}
