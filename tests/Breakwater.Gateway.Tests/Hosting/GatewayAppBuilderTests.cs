using Breakwater.Gateway.Features.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Breakwater.Gateway.Tests.Hosting;

public sealed class GatewayAppBuilderTests
{
    private static GatewayAppBuilder CreateSut(params string[] args) => GatewayApp.CreateBuilder(args).UseEnvironmentVariables(false);

    [Fact]
    public void Build_Defaults_LoopbackPort8529AnthropicUpstream()
    {
        var options = new GatewayOptions();

        Assert.Equal("127.0.0.1", options.ListenAddress);
        Assert.Equal(8529, options.Port);
        Assert.Equal("https://api.anthropic.com", options.Upstream);
        Assert.Equal(32L * 1024 * 1024, options.MaxBodyBytes);
        Assert.Equal(GatewayAuthMode.PassThrough, options.Auth.Mode);
        Assert.Equal("gateway", options.Breakwater.Name);
    }

    [Fact]
    public async Task Build_PortZero_ListensOnLoopback()
    {
        await using var app = CreateSut().Configure(o =>
        {
            o.Port = 0;
            o.StatusPage.Enabled = false;
        }).Build();
        await app.StartAsync();

        var address = GatewayApp.GetAddress(app);

        Assert.Equal("127.0.0.1", address.Host);
        Assert.NotEqual(0, address.Port);
        await app.StopAsync();
    }

    [Fact]
    public void Build_BadDeferralSettings_ListedAtStart()
    {
        var error = Assert.Throws<OptionsValidationException>(() => CreateSut().Configure(o =>
        {
            o.Deferral.MaxInFlight = 0;
            o.Deferral.MaxDeadline = TimeSpan.Zero;
            o.Deferral.PollInterval = TimeSpan.Zero;
            o.Deferral.QuietPeriod = TimeSpan.FromSeconds(-1);
            o.Deferral.Path = Path.GetTempPath();
        }).Build());

        var text = string.Join("\n", error.Failures);
        Assert.Contains("Breakwater:Deferral:MaxInFlight", text, StringComparison.Ordinal);
        Assert.Contains("Breakwater:Deferral:MaxDeadline", text, StringComparison.Ordinal);
        Assert.Contains("Breakwater:Deferral:PollInterval", text, StringComparison.Ordinal);
        Assert.Contains("Breakwater:Deferral:QuietPeriod", text, StringComparison.Ordinal);
        Assert.Contains("Breakwater:Deferral:Path must be a file", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ManyProblems_OneExceptionListingEveryOne()
    {
        var error = Assert.Throws<OptionsValidationException>(() => CreateSut().Configure(o =>
        {
            o.Upstream = "ftp://example.com";
            o.Port = 70000;
            o.ListenAddress = "not-an-address";
            o.Auth.Mode = GatewayAuthMode.Managed;
            o.Breakwater.TotalDeadline = TimeSpan.Zero;
        }).Build());

        var message = error.Message;
        Assert.Contains("Upstream", message, StringComparison.Ordinal);
        Assert.Contains("Port", message, StringComparison.Ordinal);
        Assert.Contains("ListenAddress", message, StringComparison.Ordinal);
        Assert.Contains("Auth:GatewayKeys", message, StringComparison.Ordinal);
        Assert.Contains("Auth:UpstreamApiKey", message, StringComparison.Ordinal);
        Assert.Contains("Breakwater:TotalDeadline", message, StringComparison.Ordinal);
        Assert.True(error.Failures.Count() >= 6);
    }

    [Fact]
    public async Task Build_HostingDiagnosticsLogging_OffByDefaultButAConfigFileCanTurnItOn()
    {
        await using var quiet = CreateSut().Configure(o => o.StatusPage.Enabled = false).Build();
        var file = Path.Combine(Path.GetTempPath(), $"bw-gw-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """{ "Logging": { "LogLevel": { "Microsoft.AspNetCore.Hosting.Diagnostics": "Information" } } }""");
        try
        {
            await using var loud = CreateSut().UseConfigFile(file).Configure(o => o.StatusPage.Enabled = false).Build();

            const string category = "Microsoft.AspNetCore.Hosting.Diagnostics";
            var quietLoggers = quiet.Services.GetRequiredService<ILoggerFactory>();
            Assert.False(quietLoggers.CreateLogger(category).IsEnabled(LogLevel.Critical));
            Assert.True(loud.Services.GetRequiredService<ILoggerFactory>().CreateLogger(category).IsEnabled(LogLevel.Information));
            Assert.False(quietLoggers.CreateLogger("Microsoft.AspNetCore.Routing").IsEnabled(LogLevel.Information));
            Assert.True(quietLoggers.CreateLogger("Microsoft.AspNetCore.Routing").IsEnabled(LogLevel.Warning));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Build_ConfigFile_BindsGatewayAndPipelineSections()
    {
        var file = Path.Combine(Path.GetTempPath(), $"bw-gw-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """
            {
              "Port": 0,
              "Upstream": "http://127.0.0.1:9/prefix",
              "ClientRetryWindow": "00:00:30",
              "Auth": { "Mode": "Managed", "GatewayKeys": [ "bw-file-key-1234567890" ], "UpstreamApiKey": "sk-ant-file" },
              "Breakwater": { "TotalDeadline": "00:01:00", "Retry": { "Overloaded": { "MaxRetries": 2 } } }
            }
            """);
        try
        {
            var app = CreateSut().UseConfigFile(file).Build();
            var options = app.Services.GetRequiredService<GatewayOptions>();

            Assert.Equal("http://127.0.0.1:9/prefix", options.Upstream);
            Assert.Equal(TimeSpan.FromSeconds(30), options.ClientRetryWindow);
            Assert.Equal(GatewayAuthMode.Managed, options.Auth.Mode);
            Assert.Equal(["bw-file-key-1234567890"], options.Auth.GatewayKeys);
            Assert.Equal(TimeSpan.FromMinutes(1), options.Breakwater.TotalDeadline);
            Assert.Equal(2, options.Breakwater.Retry.Overloaded.MaxRetries);
            Assert.Equal("gateway", options.Breakwater.Name);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Build_Flags_OverrideConfigFile()
    {
        var file = Path.Combine(Path.GetTempPath(), $"bw-gw-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """{ "Port": 1234, "Upstream": "http://127.0.0.1:9/" }""");
        try
        {
            var app = CreateSut("--port", "0", "--upstream", "http://127.0.0.1:10/").UseConfigFile(file).Build();
            var options = app.Services.GetRequiredService<GatewayOptions>();

            Assert.Equal(0, options.Port);
            Assert.Equal("http://127.0.0.1:10/", options.Upstream);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Build_MissingConfigFile_ThrowsNamingTheFullPath()
    {
        var error = Assert.Throws<FileNotFoundException>(() => CreateSut().UseConfigFile("nonexistent-breakwater.json").Build());

        Assert.Equal(Path.GetFullPath("nonexistent-breakwater.json"), error.FileName);
        Assert.Contains(Path.GetFullPath("nonexistent-breakwater.json"), error.Message, StringComparison.Ordinal);
    }

    private static OptionsValidationException BuildWithFile(string json, out string file)
    {
        file = Path.Combine(Path.GetTempPath(), $"bw-gw-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, json);
        try
        {
            var path = file;
            return Assert.Throws<OptionsValidationException>(() => CreateSut().UseConfigFile(path).Build());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Build_UnknownKeys_EachListedWithItsFileAndTheClosestKnownKey()
    {
        var error = BuildWithFile("""
            {
              "Prot": 9999,
              "Breakwater": { "TotalDeadlin": "00:01:00", "Retry": { "Overloded": { "MaxRetries": 2 } }, "Journal": { "Enabled": true, "Pth": "x.db" } },
              "Logging": { "LogLevel": { "Default": "Warning" } },
              "Completely": { "Unrelated": 1 }
            }
            """, out var file);

        var failures = error.Failures.ToList();
        Assert.Contains($"Prot (in {file}) is not a setting the gateway knows; did you mean Port?", failures);
        Assert.Contains(failures, f => f.StartsWith("Breakwater:TotalDeadlin ", StringComparison.Ordinal) && f.EndsWith("did you mean Breakwater:TotalDeadline?", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Breakwater:Retry:Overloded ", StringComparison.Ordinal) && f.EndsWith("did you mean Breakwater:Retry:Overloaded?", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Breakwater:Journal:Pth ", StringComparison.Ordinal) && f.EndsWith("did you mean Breakwater:Journal:Path?", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Completely ", StringComparison.Ordinal) && f.EndsWith("knows.", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains("Logging", StringComparison.Ordinal) || f.Contains("Breakwater:Journal:Enabled", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_EnumValueNotAllowed_ListsTheAllowedValuesNotTheTypeName()
    {
        var error = BuildWithFile("""{ "Auth": { "Mode": "Manged" } }""", out var file);

        var failure = Assert.Single(error.Failures);
        Assert.Equal($"Auth:Mode (in {file}): 'Manged' is not one of PassThrough, Managed (did you mean Managed?).", failure);
    }

    [Fact]
    public void Build_ValuesOfTheWrongType_SayWhatWasExpected()
    {
        var error = BuildWithFile("""{ "Port": "eighty", "ClientRetryWindow": "soon", "Breakwater": { "ReadErrorBodies": "maybe" } }""", out _);

        var text = string.Join("\n", error.Failures);
        Assert.Contains("Port (in ", text, StringComparison.Ordinal);
        Assert.Contains("'eighty' is not a whole number", text, StringComparison.Ordinal);
        Assert.Contains("'soon' is not a duration such as 00:00:30", text, StringComparison.Ordinal);
        Assert.Contains("'maybe' is not true or false", text, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_MalformedJson_NamesFileLineAndColumn()
    {
        var error = BuildWithFile("{\n  \"Port\": 9000,\n  \"Upstream\" \"http://x\"\n}\n", out var file);

        var failure = Assert.Single(error.Failures);
        Assert.StartsWith($"{file}: not valid JSON at line 3, column 14:", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_UnknownKeyOnTheCommandLine_NamesTheCommandLine()
    {
        var error = Assert.Throws<OptionsValidationException>(() => CreateSut("--Upstreem=http://127.0.0.1:9/").Build());

        Assert.Contains("Upstreem (command line) is not a setting the gateway knows; did you mean Upstream?", error.Failures);
    }

    [Fact]
    public void Build_UnconvertibleValue_ReportedWithTheRest()
    {
        var error = Assert.Throws<OptionsValidationException>(() => CreateSut("--port", "abc").Configure(o => o.Upstream = "nope").Build());

        Assert.Contains("Port", error.Message, StringComparison.Ordinal);
        Assert.Contains("Upstream", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_EnvironmentVariables_Bound()
    {
        const string Name = "BREAKWATER__ClientRetryMemory";
        Environment.SetEnvironmentVariable(Name, "1234");
        try
        {
            var app = GatewayApp.CreateBuilder().Build();

            Assert.Equal(1234, app.Services.GetRequiredService<GatewayOptions>().ClientRetryMemory);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Name, null);
        }
    }
}
