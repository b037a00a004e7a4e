using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace Breakwater.Gateway.Features.Jobs;

/// <summary>
/// Keeps a pass-through caller's credential encrypted (ASP.NET Data Protection, keys in <c>jobs-keys</c> next to the
/// job database) until its job ends. Created on first use, so a gateway that never defers writes no keys.
/// </summary>
internal sealed class CredentialVault
{
    private readonly Lazy<IDataProtector> _protector;

    public CredentialVault(GatewayOptions options)
    {
        var keys = Path.Combine(Path.GetDirectoryName(options.Deferral.FullPath) ?? ".", "jobs-keys");
        _protector = new Lazy<IDataProtector>(() =>
            DataProtectionProvider.Create(new DirectoryInfo(keys), b => b.SetApplicationName("breakwater-gateway"))
                .CreateProtector("Breakwater.Deferral.Credential.v1"));
    }

    public byte[] Protect(string headerName, string value) =>
        _protector.Value.Protect(Encoding.UTF8.GetBytes(headerName + "\n" + value));

    public (string Name, string Value)? Unprotect(byte[] data)
    {
        try
        {
            var text = Encoding.UTF8.GetString(_protector.Value.Unprotect(data));
            var nl = text.IndexOf('\n', StringComparison.Ordinal);
            return nl > 0 ? (text[..nl], text[(nl + 1)..]) : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}
