using Breakwater.Gateway.Features.Auth;
using Breakwater.Gateway.Features.Dashboard;
using Breakwater.Gateway.Features.Health;
using Breakwater.Gateway.Features.Incidents;
using Breakwater.Gateway.Features.Jobs;
using Breakwater.Gateway.Features.Metrics;
using Breakwater.Gateway.Features.Proxy;
using Breakwater.Gateway.Hosting;
using Breakwater.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Breakwater.Gateway;

/// <summary>Describes one gateway: configuration, time, randomness, logging; <see cref="Build"/> makes the (unstarted) app.</summary>
public sealed class GatewayAppBuilder
{
    private static readonly Dictionary<string, string> SwitchMappings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["--port"] = nameof(GatewayOptions.Port),
        ["--upstream"] = nameof(GatewayOptions.Upstream),
        ["--listen"] = nameof(GatewayOptions.ListenAddress),
    };

    private readonly string[] _args;
    private readonly List<Action<GatewayOptions>> _configure = [];
    private readonly List<Action<ILoggingBuilder>> _logging = [];
    private readonly List<Action<IServiceCollection>> _services = [];
    private string? _configFile;
    private bool _environment = true;
    private TimeProvider _time = TimeProvider.System;
    private Random? _random;

    internal GatewayAppBuilder(string[] args) => _args = args ?? [];

    /// <summary>Adds a JSON configuration file (required to exist) above appsettings.json. Default none.</summary>
    public GatewayAppBuilder UseConfigFile(string? path)
    {
        _configFile = path;
        return this;
    }

    /// <summary>Whether <c>BREAKWATER__*</c> environment variables are read. Default <c>true</c>.</summary>
    public GatewayAppBuilder UseEnvironmentVariables(bool enabled)
    {
        _environment = enabled;
        return this;
    }

    /// <summary>Changes options after every configuration source (highest precedence).</summary>
    public GatewayAppBuilder Configure(Action<GatewayOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _configure.Add(configure);
        return this;
    }

    /// <summary>The clock for the pipeline and the gateway. Default <see cref="TimeProvider.System"/>.</summary>
    public GatewayAppBuilder UseTimeProvider(TimeProvider time)
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
        return this;
    }

    /// <summary>The jitter source of the pipeline. Default <see cref="Random.Shared"/>.</summary>
    public GatewayAppBuilder UseRandom(Random random)
    {
        _random = random ?? throw new ArgumentNullException(nameof(random));
        return this;
    }

    /// <summary>Adjusts logging (after the defaults: simple console, <c>Logging</c> section).</summary>
    public GatewayAppBuilder ConfigureLogging(Action<ILoggingBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _logging.Add(configure);
        return this;
    }

    /// <summary>Adds services, for example an <see cref="IIncidentSink"/> the pipeline reports failed attempts to.</summary>
    public GatewayAppBuilder ConfigureServices(Action<IServiceCollection> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _services.Add(configure);
        return this;
    }

    /// <summary>
    /// Reads and validates the configuration and builds the app. Throws <see cref="OptionsValidationException"/>
    /// whose message lists every problem at once: unknown keys (with the closest known one), values that do not
    /// convert (an enum lists its values), invalid settings; or malformed JSON (file, line, column). A missing
    /// <see cref="UseConfigFile"/> file throws <see cref="FileNotFoundException"/> with its full path.
    /// </summary>
    public WebApplication Build()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Directory.GetCurrentDirectory() });

        // Only our own sources: the defaults would bind unrelated variables such as PORT.
        var configuration = builder.Configuration;
        configuration.Sources.Clear();

        // Defaults that any source below overrides. Hosting.Diagnostics only logs "request starting/finished" (already
        // below the Microsoft.AspNetCore warning filter), yet while enabled at any level ASP.NET Core creates an
        // Activity and a log scope per request: ~0.8 KB of the gateway's ~7 KB per request.
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "None",
        });
        AddJsonFile(configuration, Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true);
        if (_configFile is not null)
        {
            AddJsonFile(configuration, Path.GetFullPath(_configFile), optional: false);
        }

        if (_environment)
        {
            configuration.AddEnvironmentVariables("BREAKWATER__");
        }

        configuration.AddCommandLine(_args, SwitchMappings);

        var options = BindAndValidate(configuration, ConfigurationCheck.Check(configuration));

        builder.Logging.ClearProviders();
        builder.Logging.AddConfiguration(configuration.GetSection("Logging"));
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddSimpleConsole(c => c.SingleLine = true);
        foreach (var configure in _logging)
        {
            configure(builder.Logging);
        }

        var listen = GatewayOptionsValidator.TryParseListenAddress(options.ListenAddress)!;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Body limits are enforced per route, in Anthropic's error shape.
            kestrel.Limits.MaxRequestBodySize = null;
            // Request-line and header limits are enforced by the first middleware, in Anthropic's error shape.
            RequestLimits.ConfigureKestrel(kestrel.Limits);
            kestrel.Listen(listen, options.Port);
        });

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(_time);
        services.AddSingleton(_random ?? Random.Shared);
        services.AddSingleton(sp => new UpstreamClient(
            options, _time, sp.GetRequiredService<Random>(), sp.GetRequiredService<ILoggerFactory>(), sp.GetService<IIncidentSink>()));
        services.AddSingleton<GatewayKeyVerifier>();
        services.AddProxy();
        services.AddGatewayMetrics();
        services.AddGatewayIncidents(options);
        services.AddGatewayDeferral(options);
        foreach (var configure in _services)
        {
            configure(services);
        }

        // Last: the dashboard's sink wraps every sink registered above (the journal, a host's own).
        services.AddDashboard();

        var app = builder.Build();
        app.UseRequestLimits();
        app.UseDashboardTraffic();
        app.UseGatewayIncidents(options);
        if (options.Auth.Mode == GatewayAuthMode.Managed)
        {
            app.UseWhen(c => c.Request.Path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase), branch => branch.UseMiddleware<GatewayAuthMiddleware>());
        }

        app.MapHealth();
        app.MapDashboard();
        app.MapMetrics();
        app.MapJobs();
        app.MapProxy();
        app.MapFallback("{**path}", async context => await GatewayErrors.NotFound(context));

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Breakwater.Gateway");
            GatewayLog.Listening(logger, string.Join(", ", app.Urls), options.Upstream, options.Auth.Mode.ToString());
        });

        return app;
    }

    /// <summary>
    /// Adds a JSON file. A missing required file throws <see cref="FileNotFoundException"/> naming its full path;
    /// malformed JSON throws <see cref="OptionsValidationException"/> naming the file, the line and the column.
    /// </summary>
    private static void AddJsonFile(ConfigurationManager configuration, string fullPath, bool optional)
    {
        if (!File.Exists(fullPath))
        {
            if (optional)
            {
                return;
            }

            throw new FileNotFoundException($"Configuration file not found: {fullPath}", fullPath);
        }

        try
        {
            configuration.AddJsonFile(fullPath, optional, reloadOnChange: false);
        }
        catch (InvalidDataException ex)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(GatewayOptions), [JsonProblem(fullPath, ex)]);
        }
    }

    private static string JsonProblem(string path, Exception ex)
    {
        for (var e = ex.InnerException; e is not null; e = e.InnerException)
        {
            if (e is System.Text.Json.JsonException json)
            {
                // JsonException counts lines and bytes from 0; editors count from 1.
                var what = json.Message;
                var cut = what.IndexOf(" LineNumber:", StringComparison.Ordinal);
                what = (cut < 0 ? what : what[..cut]).TrimEnd(' ', '|').Replace(" Path: $", "", StringComparison.Ordinal).TrimEnd(' ', '|');
                return $"{path}: not valid JSON at line {json.LineNumber + 1}, column {json.BytePositionInLine + 1}: {what}";
            }
        }

        return $"{path}: not valid JSON: {(ex.InnerException ?? ex).Message}";
    }

    private GatewayOptions BindAndValidate(IConfiguration configuration, (IReadOnlyList<string> UnknownKeys, IReadOnlyList<string> BadValues) check)
    {
        var options = new GatewayOptions();
        var problems = new List<string>(check.UnknownKeys);
        problems.AddRange(check.BadValues);
        try
        {
            configuration.Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            // The binder names a .NET type; when the check above already said it in words, that is enough.
            if (check.BadValues.Count == 0)
            {
                problems.Add(ex.Message);
            }
        }

        foreach (var configure in _configure)
        {
            configure(options);
        }

        problems.AddRange(GatewayOptionsValidator.Validate(options));
        problems.AddRange(IncidentsSetup.Validate(options));
        problems.AddRange(DeferralValidation.Validate(options));
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(GatewayOptions), problems);
        }

        return options;
    }
}
