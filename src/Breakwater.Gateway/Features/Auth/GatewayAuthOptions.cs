namespace Breakwater.Gateway.Features.Auth;

/// <summary>Client authentication and the upstream credential (section <c>Auth</c>). Keys are never logged.</summary>
public sealed class GatewayAuthOptions
{
    /// <summary><c>PassThrough</c> or <c>Managed</c>. Default <c>PassThrough</c>.</summary>
    public GatewayAuthMode Mode { get; set; } = GatewayAuthMode.PassThrough;

    /// <summary>
    /// Managed mode: the keys clients may present, in <c>x-api-key</c> or <c>Authorization: Bearer</c>. Default empty
    /// (managed mode then refuses to start).
    /// </summary>
    public List<string> GatewayKeys { get; set; } = [];

    /// <summary>Managed mode: the Anthropic API key sent upstream as <c>x-api-key</c>. Default <c>null</c> (required in managed mode).</summary>
    public string? UpstreamApiKey { get; set; }
}
