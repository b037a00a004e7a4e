using System.Security.Cryptography;
using System.Text;

namespace Breakwater.Pipeline;

/// <summary>A short, stable, one-way name for a credential, so state can be keyed by key without keeping the key.</summary>
internal static class CredentialHash
{
    public static string Of(HttpRequestMessage request)
    {
        string? secret = null;
        if (request.Headers.TryGetValues("x-api-key", out var keys))
        {
            secret = keys.FirstOrDefault();
        }
        else if (request.Headers.Authorization is { } auth)
        {
            secret = auth.Parameter ?? auth.Scheme;
        }

        return Of(secret);
    }

    public static string Of(string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return "anonymous";
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(secret), hash);
        return "key_" + Convert.ToHexStringLower(hash[..8]);
    }
}
