using System.Net;
using System.Text;
using Breakwater.Classification;
using Breakwater.Deferral;
using Breakwater.Retry;

namespace Breakwater.Tests.Deferral;

public sealed class DeferralPolicyTests
{
    private static HttpResponseMessage Response(int status, string? giveUp)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status);
        if (giveUp is not null)
        {
            response.Headers.TryAddWithoutValidation(BreakwaterHeaders.GiveUp, giveUp);
        }

        return response;
    }

    [Theory]
    [InlineData(529, "attempts", true)]
    [InlineData(529, "deadline", true)]
    [InlineData(503, "attempts", true)]
    [InlineData(500, "attempts", true)]
    [InlineData(429, "attempts", true)]
    [InlineData(529, "breaker", true)]
    [InlineData(529, "queue", true)]
    [InlineData(529, "throttled", true)]
    [InlineData(529, "budget", true)]
    [InlineData(529, null, false)]
    [InlineData(200, null, false)]
    [InlineData(400, "not-retryable", false)]
    [InlineData(429, "not-retryable", false)]
    [InlineData(529, "not-retryable", false)]
    [InlineData(404, "not-retryable", false)]
    public void IsDeferrable_Response_OnlyCapacityGiveUps(int status, string? giveUp, bool expected)
    {
        using var response = Response(status, giveUp);

        Assert.Equal(expected, DeferralPolicy.IsDeferrable(response));
    }

    [Theory]
    [InlineData(FailureKind.AttemptTimeout, GiveUpReason.Attempts, true)]
    [InlineData(FailureKind.ConnectionFailure, GiveUpReason.Deadline, true)]
    [InlineData(FailureKind.Overloaded, GiveUpReason.Budget, true)]
    [InlineData(FailureKind.InvalidRequest, GiveUpReason.NotRetryable, false)]
    [InlineData(FailureKind.AttemptTimeout, GiveUpReason.NotRetryable, false)]
    [InlineData(FailureKind.Authentication, GiveUpReason.Attempts, false)]
    public void IsDeferrable_BreakwaterException_OnlyCapacityFailures(FailureKind kind, GiveUpReason reason, bool expected)
    {
        var e = new BreakwaterException("gave up", null, kind, reason, 3, ["req_1"]);

        Assert.Equal(expected, DeferralPolicy.IsDeferrable(e));
    }

    [Fact]
    public void IsDeferrable_OtherExceptions_False()
    {
        Assert.False(DeferralPolicy.IsDeferrable(new HttpRequestException("boom")));
        Assert.False(DeferralPolicy.IsDeferrable(new TaskCanceledException()));
    }

    [Fact]
    public async Task DeferredRequestFromAsync_KeepsRequestDropsCredentialsAndBreakwaterHeaders()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:1/v1/messages?beta=true")
        {
            Content = new StringContent("""{"model":"m"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("x-api-key", "sk-ant-secret");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer sk-ant-secret");
        request.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");
        request.Headers.TryAddWithoutValidation("anthropic-beta", "tools-2024");
        request.Headers.TryAddWithoutValidation(BreakwaterHeaders.Fallback, "deny");

        var deferred = await DeferredRequest.FromAsync(request);

        Assert.Equal("POST", deferred.Method);
        Assert.Equal("/v1/messages?beta=true", deferred.PathAndQuery);
        Assert.Equal("""{"model":"m"}""", Encoding.UTF8.GetString(deferred.Body.Span));
        Assert.Contains(deferred.Headers, h => h.Name == "anthropic-version" && h.Value == "2023-06-01");
        Assert.Contains(deferred.Headers, h => h.Name == "anthropic-beta");
        Assert.Contains(deferred.Headers, h => h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(deferred.Headers, h => h.Value.Contains("sk-ant-secret", StringComparison.Ordinal));
        Assert.DoesNotContain(deferred.Headers, h => h.Name.StartsWith("breakwater-", StringComparison.OrdinalIgnoreCase));
    }
}
