using System.Security.Cryptography;

namespace Breakwater.Gateway.Hosting;

/// <summary>Request ids for answers the gateway makes itself: <c>req_bw_</c> + 24 random characters, distinct from Anthropic's <c>req_</c>.</summary>
internal static class GatewayRequestId
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public const string Prefix = "req_bw_";

    public static string New() => Prefix + RandomNumberGenerator.GetString(Alphabet, 24);
}
