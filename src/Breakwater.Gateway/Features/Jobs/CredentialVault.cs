using System.Security.Cryptography.X509Certificates;
using System.Text;
using Breakwater.Storage;
using Microsoft.AspNetCore.DataProtection;

namespace Breakwater.Gateway.Features.Jobs;

/// <summary>
/// Keeps a pass-through caller's credential encrypted (ASP.NET Data Protection, keys in <c>jobs-keys</c> next to the
/// job database, or <c>Breakwater:Deferral:KeysPath</c>) until its job ends. Created on first use, so a gateway that
/// never defers writes no keys. The key folder is created 0700 on Unix; the keys themselves are encrypted with
/// <c>KeyCertificatePath</c> when one is configured, with DPAPI on Windows, and stored as is otherwise.
/// </summary>
internal sealed class CredentialVault
{
    private readonly Lazy<IDataProtector> _protector;

    public CredentialVault(GatewayOptions options)
    {
        var settings = options.Deferral;
        _protector = new Lazy<IDataProtector>(() => Create(settings).CreateProtector("Breakwater.Deferral.Credential.v1"));
    }

    private static IDataProtectionProvider Create(Jobs.GatewayDeferralOptions settings)
    {
        var keys = settings.FullKeysPath;
        SqliteFiles.CreatePrivateDirectory(keys);
        if (settings.KeyCertificatePath.Length > 0)
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(
                Breakwater.Telemetry.Journal.JournalOptions.Expand(settings.KeyCertificatePath),
                settings.KeyCertificatePassword.Length > 0 ? settings.KeyCertificatePassword : null);
            return DataProtectionProvider.Create(new DirectoryInfo(keys), b => b.SetApplicationName("breakwater-gateway"), certificate);
        }

        return DataProtectionProvider.Create(new DirectoryInfo(keys), b =>
        {
            b.SetApplicationName("breakwater-gateway");
            if (OperatingSystem.IsWindows())
            {
                b.ProtectKeysWithDpapi();
            }
        });
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
