namespace Breakwater.Anthropic;

/// <summary>The <c>error.type</c> values the Anthropic API documents. Unknown values are tolerated everywhere.</summary>
public static class AnthropicErrorTypes
{
    /// <summary>400: the request is malformed or invalid.</summary>
    public const string InvalidRequest = "invalid_request_error";
    /// <summary>401: the API key is missing or invalid.</summary>
    public const string Authentication = "authentication_error";
    /// <summary>402: billing problem on the account.</summary>
    public const string Billing = "billing_error";
    /// <summary>403: the key lacks permission for the resource.</summary>
    public const string Permission = "permission_error";
    /// <summary>404: the resource (often the model) was not found.</summary>
    public const string NotFound = "not_found_error";
    /// <summary>409: conflicting request.</summary>
    public const string Conflict = "conflict_error";
    /// <summary>413: the request exceeds the size limit (32 MB on Messages).</summary>
    public const string RequestTooLarge = "request_too_large";
    /// <summary>429: the organisation's rate limit was hit.</summary>
    public const string RateLimit = "rate_limit_error";
    /// <summary>500: unexpected internal error at Anthropic.</summary>
    public const string Api = "api_error";
    /// <summary>504: the request timed out at Anthropic.</summary>
    public const string Timeout = "timeout_error";
    /// <summary>529: Anthropic's capacity for the model is saturated across all users.</summary>
    public const string Overloaded = "overloaded_error";

    /// <summary>The <c>error.type</c> Anthropic sends with an HTTP <paramref name="status"/>; <see cref="Api"/> for any other status.</summary>
    public static string ForStatus(int status) => status switch
    {
        400 => InvalidRequest,
        401 => Authentication,
        402 => Billing,
        403 => Permission,
        404 => NotFound,
        409 => Conflict,
        413 => RequestTooLarge,
        429 => RateLimit,
        504 => Timeout,
        529 => Overloaded,
        _ => Api,
    };
}
