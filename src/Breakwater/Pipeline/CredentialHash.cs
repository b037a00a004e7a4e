using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Breakwater.Pipeline;

/// <summary>A short, stable, one-way name for a credential, so state can be keyed by key without keeping the key.</summary>
internal static class CredentialHash
{
    // The name is a pure function of the first 8 bytes of the digest, so those bytes can key a cache of names (never
    // the key itself): a call then costs one SHA-256 and no allocation. Bounded: past it names are built as before.
    private const int MaxCachedNames = 1024;
    private static readonly ConcurrentDictionary<ulong, string> Names = new();

    public static string Of(HttpRequestMessage request)
    {
        string? secret = null;
        if (request.Headers.NonValidated.TryGetValues("x-api-key", out var keys))
        {
            foreach (var key in keys)
            {
                secret = key;
                break;
            }
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

        var max = Encoding.UTF8.GetMaxByteCount(secret.Length);
        byte[]? rented = null;
        var utf8 = max <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(max));
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(secret, utf8)], hash);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
        else
        {
            utf8.Clear();
        }

        var id = BinaryPrimitives.ReadUInt64BigEndian(hash);
        if (Names.TryGetValue(id, out var name))
        {
            return name;
        }

        name = "key_" + Convert.ToHexStringLower(hash[..8]);
        if (Names.Count < MaxCachedNames)
        {
            Names.TryAdd(id, name);
        }

        return name;
    }
}
