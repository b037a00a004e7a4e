using System.Text;
using Breakwater.Anthropic;
using Breakwater.Classification;
using Breakwater.Tests.Anthropic;
using Microsoft.Extensions.Time.Testing;

namespace Breakwater.Tests.Classification;

// The classification table, checked against Anthropic's errors page (docs.claude.com/en/api/errors, searched
// 'anthropic api errors'): 400 invalid_request_error, 401 authentication_error, 402 billing_error, 403 permission_error,
// 404 not_found_error, 409 conflict_error, 413 request_too_large, 429 rate_limit_error, 500 api_error,
// 504 timeout_error, 529 overloaded_error ("can occur when APIs experience high traffic across all users").
public sealed class TaxonomyTests
{
    public static TheoryData<int, string, FailureKind, FailureOwner> Table => new()
    {
        { 400, "invalid_request_error", FailureKind.InvalidRequest, FailureOwner.Caller },
        { 401, "authentication_error", FailureKind.Authentication, FailureOwner.Caller },
        { 402, "billing_error", FailureKind.Billing, FailureOwner.Caller },
        { 403, "permission_error", FailureKind.Permission, FailureOwner.Caller },
        { 404, "not_found_error", FailureKind.NotFound, FailureOwner.Caller },
        { 409, "conflict_error", FailureKind.Conflict, FailureOwner.Caller },
        { 413, "request_too_large", FailureKind.RequestTooLarge, FailureOwner.Caller },
        { 429, "rate_limit_error", FailureKind.RateLimited, FailureOwner.Caller },
        { 500, "api_error", FailureKind.ApiError, FailureOwner.Anthropic },
        { 504, "timeout_error", FailureKind.Timeout, FailureOwner.Anthropic },
        { 529, "overloaded_error", FailureKind.Overloaded, FailureOwner.Anthropic },
    };

    private static Outcome CreateSut(int status, string type)
    {
        var body = ErrorBodyParser.Parse(Encoding.UTF8.GetBytes(
            $$"""{"type":"error","error":{"type":"{{type}}","message":"m"},"request_id":"req_body"}"""));

        // The 429 row is a transient rate limit: it carries retry-after (without it, it is a spend cap).
        var headers = status == 429
            ? TestHeaders.Of(("request-id", "req_header"), ("retry-after", "20"))
            : TestHeaders.Of(("request-id", "req_header"));
        return Classifier.Classify(status, headers, body, new FakeTimeProvider().GetUtcNow());
    }

    [Theory]
    [MemberData(nameof(Table))]
    public void Classify_DocumentedStatusAndType_KindOwnerExplanationAndNextStep(int status, string type, FailureKind kind, FailureOwner owner)
    {
        var outcome = CreateSut(status, type);

        Assert.Equal(kind, outcome.Kind);
        Assert.False(outcome.IsSuccess);
        Assert.Equal(status, outcome.StatusCode);
        Assert.Equal(type, outcome.ErrorType);
        Assert.Equal("req_header", outcome.RequestId);
        Assert.Equal(owner, outcome.Info.Owner);
        Assert.Equal(kind, outcome.Info.Kind);
        Assert.False(string.IsNullOrWhiteSpace(outcome.Info.Explanation));
        Assert.False(string.IsNullOrWhiteSpace(outcome.Info.NextStep));
        Assert.Contains(type, outcome.Info.Explanation, StringComparison.Ordinal);
        Assert.Equal(type, FailureKindInfo.ErrorTypeOf(kind));
        Assert.Equal(kind == FailureKind.Overloaded, outcome.IsOverloadSignal);
    }

    [Theory]
    [MemberData(nameof(Table))]
    public void Classify_DocumentedTypeWithoutBody_StatusAloneGivesTheSameKind(int status, string type, FailureKind kind, FailureOwner owner)
    {
        // An empty body from Anthropic itself (it has a request-id): the status still says what happened.
        var headers = status == 429
            ? TestHeaders.Of(("request-id", "req_1"), ("retry-after", "20"))
            : TestHeaders.Of(("request-id", "req_1"));

        var outcome = Classifier.Classify(status, headers, AnthropicError.Empty, new FakeTimeProvider().GetUtcNow());

        Assert.Equal(kind, outcome.Kind);
        Assert.Equal(owner, outcome.Info.Owner);
        Assert.Null(outcome.ErrorType);
        Assert.NotNull(type);
    }

    [Fact]
    public void For_EveryFailureKind_HasOwnerExplanationAndNextStep()
    {
        foreach (var kind in Enum.GetValues<FailureKind>())
        {
            var info = FailureKindInfo.For(kind);

            Assert.Equal(kind, info.Kind);
            Assert.False(string.IsNullOrWhiteSpace(info.Explanation), $"{kind} has no explanation");
            Assert.False(string.IsNullOrWhiteSpace(info.NextStep), $"{kind} has no next step");
            Assert.Equal(kind == FailureKind.None, info.Owner == FailureOwner.None);
            Assert.DoesNotContain('\n', info.Explanation);
            Assert.DoesNotContain('\n', info.NextStep);
        }
    }

    [Fact]
    public void For_Overloaded_SaysItIsNotTheCallersKeyQuotaCodeOrNetwork()
    {
        var info = FailureKindInfo.For(FailureKind.Overloaded);

        Assert.Equal(FailureOwner.Anthropic, info.Owner);
        Assert.Contains("not your key, quota, code or network", info.Explanation, StringComparison.Ordinal);
        Assert.Contains("request_id", info.NextStep, StringComparison.Ordinal);
    }

    [Fact]
    public void For_SpendLimit_SaysItIsACapNotATransientLimit()
    {
        var info = FailureKindInfo.For(FailureKind.SpendLimit);

        Assert.Equal(FailureOwner.Caller, info.Owner);
        Assert.Contains("not a transient limit", info.Explanation, StringComparison.Ordinal);
        Assert.Contains("429 without retry-after", info.Explanation, StringComparison.Ordinal);
        Assert.Contains("400 naming a spend limit", info.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorTypeOf_KindsWithoutAnAnthropicType_Null()
    {
        Assert.Null(FailureKindInfo.ErrorTypeOf(FailureKind.ProxyError));
        Assert.Null(FailureKindInfo.ErrorTypeOf(FailureKind.ConnectionFailure));
        Assert.Null(FailureKindInfo.ErrorTypeOf(FailureKind.Unknown));
        Assert.Equal(AnthropicErrorTypes.RateLimit, FailureKindInfo.ErrorTypeOf(FailureKind.SpendLimit));
    }
}
