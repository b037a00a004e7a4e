using System.Security.Cryptography;

namespace Breakwater.Deferral;

/// <summary>Job ids: 128 bits from the OS CSPRNG, so an id cannot be guessed (ids are also scoped to the owner).</summary>
internal static class JobId
{
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return "job_" + Convert.ToHexStringLower(bytes);
    }
}
