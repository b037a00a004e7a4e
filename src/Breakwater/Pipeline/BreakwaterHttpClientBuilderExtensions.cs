using Breakwater;
using System.Diagnostics.Metrics;
using Breakwater.Pipeline;
using Breakwater.State;
using Breakwater.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Breakwater to an <see cref="IHttpClientBuilder"/>.</summary>
public static class BreakwaterHttpClientBuilderExtensions
{
    /// <summary>Adds the Breakwater handler with default options (client name = the HttpClient's name).</summary>
    public static IHttpClientBuilder AddBreakwater(this IHttpClientBuilder builder) => builder.AddBreakwater(static _ => { });

    /// <summary>Adds the Breakwater handler configured by <paramref name="configure"/>.</summary>
    public static IHttpClientBuilder AddBreakwater(this IHttpClientBuilder builder, Action<BreakwaterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var name = builder.Name;
        builder.Services.AddOptionsWithValidateOnStart<BreakwaterOptions>(name)
            .Configure(o =>
            {
                o.Name = name;
                configure(o);
            });
        return AddHandler(builder);
    }

    /// <summary>Adds the Breakwater handler bound to <paramref name="section"/> (for example <c>Configuration.GetSection("Breakwater")</c>).</summary>
    public static IHttpClientBuilder AddBreakwater(this IHttpClientBuilder builder, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        var name = builder.Name;
        builder.Services.AddOptionsWithValidateOnStart<BreakwaterOptions>(name)
            .Configure(o => o.Name = name)
            .Bind(section);
        return AddHandler(builder);
    }

    private static IHttpClientBuilder AddHandler(IHttpClientBuilder builder)
    {
        var name = builder.Name;
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton(sp => new BreakwaterRegistry(sp.GetRequiredService<TimeProvider>(), sp.GetService<IMeterFactory>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BreakwaterOptions>, BreakwaterOptionsValidator>());

        // The deadlines rule instead of HttpClient's 100 s default.
        builder.ConfigureHttpClient(static c => c.Timeout = Timeout.InfiniteTimeSpan);
        builder.AddHttpMessageHandler(sp => new BreakwaterHandler(
            sp.GetRequiredService<BreakwaterRegistry>(),
            sp.GetRequiredService<IOptionsMonitor<BreakwaterOptions>>().Get(name),
            sp.GetService<Random>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetService<IIncidentSink>()));
        return builder;
    }
}
