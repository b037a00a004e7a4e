using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Breakwater.Gateway.Tests.Support;

namespace Breakwater.Gateway.Tests.Jobs;

/// <summary>The job database (prompts and responses), its keys and the journal are readable by the gateway's user only.</summary>
public sealed class FileModeTests : IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDir = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "breakwater-gateway-tests", "modes-" + Guid.NewGuid().ToString("N"));

    private async Task<GatewayHarness> DeferOneAsync(Action<GatewayOptions>? configure = null)
    {
        var sut = await GatewayHarness.StartAsync(o =>
        {
            o.Deferral.Path = Path.Combine(_dir, "state", "jobs.db");
            o.Journal.Path = Path.Combine(_dir, "journal", "incidents.db");
            o.Deferral.PollInterval = TimeSpan.FromMinutes(20);
            o.Deferral.QuietPeriod = TimeSpan.Zero;
            o.Breakwater.Retry.ServerError.MaxRetries = 0;
            configure?.Invoke(o);
        });
        sut.Upstream.Default = FakeUpstream.Reset;
        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody, ("x-api-key", "sk-ant-caller-modes"), ("anthropic-version", "2023-06-01"), ("breakwater-defer", "30m"));
        using var response = await sut.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return sut;
    }

    [Fact]
    public async Task JobsDbJournalAndKeys_AreOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await using (await DeferOneAsync())
        {
            var jobs = Path.Combine(_dir, "state", "jobs.db");
            var journal = Path.Combine(_dir, "journal", "incidents.db");
            foreach (var file in new[] { jobs, jobs + "-wal", jobs + "-shm", journal, journal + "-wal", journal + "-shm" })
            {
                Assert.True(File.Exists(file), file + " exists");
                Assert.Equal(Private, File.GetUnixFileMode(file));
            }

            foreach (var dir in new[] { Path.Combine(_dir, "state"), Path.Combine(_dir, "journal"), Path.Combine(_dir, "state", "jobs-keys") })
            {
                Assert.Equal(PrivateDir, File.GetUnixFileMode(dir));
            }

            var keys = Directory.GetFiles(Path.Combine(_dir, "state", "jobs-keys"));
            Assert.NotEmpty(keys);
            foreach (var key in keys)
            {
                Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(key) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite));
            }
        }
    }

    [Fact]
    public async Task ExistingWideJobsDb_IsNarrowedTo0600()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var jobs = Path.Combine(_dir, "state", "jobs.db");
        Directory.CreateDirectory(Path.GetDirectoryName(jobs)!);
        await File.WriteAllBytesAsync(jobs, []);
        File.SetUnixFileMode(jobs, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await using (await DeferOneAsync())
        {
            Assert.Equal(Private, File.GetUnixFileMode(jobs));
        }
    }

    [Fact]
    public async Task KeyCertificate_KeysAreEncryptedAtRest_InTheConfiguredFolder()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=breakwater-test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        Directory.CreateDirectory(_dir);
        var pfx = Path.Combine(_dir, "keys.pfx");
        await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "pfx-password"));
        var keysPath = Path.Combine(_dir, "mounted-keys");

        await using (await DeferOneAsync(o =>
        {
            o.Deferral.KeysPath = keysPath;
            o.Deferral.KeyCertificatePath = pfx;
            o.Deferral.KeyCertificatePassword = "pfx-password";
        }))
        {
            var keys = Directory.GetFiles(keysPath, "*.xml");
            var xml = await File.ReadAllTextAsync(Assert.Single(keys));
            Assert.Contains("EncryptedData", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(_dir, "state", "jobs-keys")));
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
