namespace Breakwater.Gateway.Features.Auth;

/// <summary>How the gateway treats credentials.</summary>
public enum GatewayAuthMode
{
    /// <summary>The client's own <c>x-api-key</c> or <c>Authorization</c> goes upstream unchanged (the default).</summary>
    PassThrough = 0,

    /// <summary>The gateway holds the upstream key; clients must present one of the gateway keys.</summary>
    Managed,
}
