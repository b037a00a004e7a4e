namespace Breakwater.Anthropic;

/// <summary>
/// What an error body said. Parsing never throws: a body that is not Anthropic-shaped (an HTML page from
/// a proxy, an empty or truncated body) yields <see cref="IsAnthropicShaped"/> = <c>false</c> and a short raw excerpt.
/// </summary>
internal sealed record AnthropicError
{
    /// <summary><c>error.type</c>, or <c>null</c> when the body did not carry one.</summary>
    public string? Type { get; init; }

    /// <summary><c>error.message</c>, or <c>null</c>.</summary>
    public string? Message { get; init; }

    /// <summary>
    /// <c>error.details.error_code</c>, or <c>null</c>. The API uses it to tell a monthly spend cap
    /// (<c>enforced_spend_limit_reached</c>, on a 429 rate_limit_error) apart from a rate limit.
    /// </summary>
    public string? ErrorCode { get; init; }

    /// <summary>The body's <c>request_id</c>, or <c>null</c>.</summary>
    public string? RequestId { get; init; }

    /// <summary>
    /// <c>true</c> when the body was complete JSON of the shape <c>{"type":"error","error":{"type":"..."}}</c>.
    /// A truncated or broken JSON body is never shaped, but <see cref="Type"/> may still have been recovered from it.
    /// </summary>
    public bool IsAnthropicShaped { get; init; }

    /// <summary><c>true</c> when the body looked like HTML (a proxy's or load balancer's error page).</summary>
    public bool IsHtml { get; init; }

    /// <summary><c>true</c> when the body was longer than the bounded prefix that was read (64 KB), so only that prefix was parsed.</summary>
    public bool Truncated { get; init; }

    /// <summary>At most 200 characters of the raw body, for logs and the journal.</summary>
    public string RawExcerpt { get; init; } = "";

    /// <summary>An empty result: no body.</summary>
    public static AnthropicError Empty { get; } = new();
}
