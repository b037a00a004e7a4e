using System.Diagnostics.Metrics;
using Breakwater.Telemetry;
using Breakwater.Telemetry.Journal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SQLite incident journal as the <see cref="IIncidentSink"/>.</summary>
public static class JournalServiceCollectionExtensions
{
    /// <summary>Registers <see cref="SqliteIncidentJournal"/> as the <see cref="IIncidentSink"/> with default <see cref="JournalOptions"/>.</summary>
    /// <param name="services">The services.</param>
    public static IServiceCollection AddBreakwaterJournal(this IServiceCollection services) =>
        services.AddBreakwaterJournal(static _ => { });

    /// <summary>Registers <see cref="SqliteIncidentJournal"/> as the <see cref="IIncidentSink"/>, configured by <paramref name="configure"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets path and retention.</param>
    public static IServiceCollection AddBreakwaterJournal(this IServiceCollection services, Action<JournalOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptionsWithValidateOnStart<JournalOptions>().Configure(configure);
        return AddCore(services);
    }

    /// <summary>Registers <see cref="SqliteIncidentJournal"/> as the <see cref="IIncidentSink"/>, bound to <paramref name="section"/> (keys as in <see cref="JournalOptions"/>).</summary>
    /// <param name="services">The services.</param>
    /// <param name="section">For example <c>configuration.GetSection("Breakwater:Journal")</c>.</param>
    public static IServiceCollection AddBreakwaterJournal(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptionsWithValidateOnStart<JournalOptions>().Bind(section);
        return AddCore(services);
    }

    private static IServiceCollection AddCore(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JournalOptions>, JournalOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SqliteIncidentJournal(
            sp.GetRequiredService<IOptions<JournalOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<SqliteIncidentJournal>>(),
            sp.GetService<IMeterFactory>()));

        // Replaces any sink registered before; a default sink added later with TryAdd leaves the journal in place.
        services.RemoveAll<IIncidentSink>();
        services.AddSingleton<IIncidentSink>(sp => sp.GetRequiredService<SqliteIncidentJournal>());
        return services;
    }
}
