namespace Breakwater.Anthropic;

/// <summary>Header names of the Anthropic API that Breakwater reads.</summary>
internal static class AnthropicHeaders
{
    public const string RequestId = "request-id";
    public const string RetryAfter = "retry-after";
    public const string RetryAfterMs = "retry-after-ms";
    public const string ShouldRetry = "x-should-retry";
    public const string RateLimitPrefix = "anthropic-ratelimit-";
    public const string PriorityPrefix = "anthropic-priority-";
    public const string StainlessRetryCount = "x-stainless-retry-count";
    public const string StainlessTimeout = "x-stainless-timeout";
    public const string ApiKey = "x-api-key";
    public const string Authorization = "authorization";
}
