using Breakwater.Anthropic;

namespace Breakwater.Tests.Anthropic;

public sealed class AnthropicErrorTypesTests
{
    [Theory]
    [InlineData(400, "invalid_request_error")]
    [InlineData(401, "authentication_error")]
    [InlineData(402, "billing_error")]
    [InlineData(403, "permission_error")]
    [InlineData(404, "not_found_error")]
    [InlineData(409, "conflict_error")]
    [InlineData(413, "request_too_large")]
    [InlineData(429, "rate_limit_error")]
    [InlineData(500, "api_error")]
    [InlineData(502, "api_error")]
    [InlineData(504, "timeout_error")]
    [InlineData(529, "overloaded_error")]
    [InlineData(418, "api_error")]
    public void ForStatus_MapsEachDocumentedStatus(int status, string expected) =>
        Assert.Equal(expected, AnthropicErrorTypes.ForStatus(status));
}
