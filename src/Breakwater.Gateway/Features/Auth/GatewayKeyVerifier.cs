using System.Security.Cryptography;
using System.Text;
using Breakwater.Anthropic;
using Microsoft.AspNetCore.Http;

namespace Breakwater.Gateway.Features.Auth;

/// <summary>
/// Managed mode's check of the key a client presents. Keys are compared as SHA-256 hashes with
/// <see cref="CryptographicOperations.FixedTimeEquals"/> against every configured key, so neither the key's
/// content nor its length nor which key matched shows in the timing.
/// </summary>
internal sealed class GatewayKeyVerifier
{
    private readonly byte[][] _keyHashes;

    public GatewayKeyVerifier(GatewayOptions options)
    {
        _keyHashes = options.Auth.GatewayKeys.Where(k => !string.IsNullOrEmpty(k)).Select(Hash).ToArray();
    }

    public bool IsAuthorized(HttpRequest request)
    {
        var presented = PresentedKey(request);
        var hash = Hash(presented ?? "");
        var match = false;
        foreach (var expected in _keyHashes)
        {
            match |= CryptographicOperations.FixedTimeEquals(hash, expected);
        }

        return match && presented is not null;
    }

    /// <summary>The key from <c>x-api-key</c>, else from <c>Authorization: Bearer</c>; <c>null</c> when neither is present.</summary>
    public static string? PresentedKey(HttpRequest request)
    {
        var apiKey = request.Headers[AnthropicHeaders.ApiKey].ToString();
        if (!string.IsNullOrEmpty(apiKey))
        {
            return apiKey.Trim();
        }

        var authorization = request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        return authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) && authorization.Length > Bearer.Length
            ? authorization[Bearer.Length..].Trim()
            : null;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
