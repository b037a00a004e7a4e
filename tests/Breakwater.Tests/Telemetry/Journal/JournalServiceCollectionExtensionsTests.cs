using Breakwater.Telemetry;
using Breakwater.Telemetry.Journal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Breakwater.Tests.Telemetry.Journal;

public class JournalServiceCollectionExtensionsTests
{
    [Fact]
    public void AddBreakwaterJournal_Action_RegistersJournalAsTheSink()
    {
        var path = JournalTestData.TempPath();
        using var provider = new ServiceCollection().AddBreakwaterJournal(o => o.Path = path).BuildServiceProvider();

        var sink = provider.GetRequiredService<IIncidentSink>();

        var journal = Assert.IsType<SqliteIncidentJournal>(sink);
        Assert.Equal(path, journal.Path);
        Assert.Same(journal, provider.GetRequiredService<SqliteIncidentJournal>());
    }

    [Fact]
    public void AddBreakwaterJournal_None_UsesDefaults()
    {
        var services = new ServiceCollection().AddBreakwaterJournal();
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<JournalOptions>>().Value;

        Assert.Equal(TimeSpan.FromDays(7), options.MaxAge);
        Assert.Equal(100_000, options.MaxRows);
        Assert.Single(services, d => d.ServiceType == typeof(IIncidentSink));
    }

    [Fact]
    public void AddBreakwaterJournal_Section_BindsOptions()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Journal:Path"] = "/tmp/bw-bound.db",
            ["Journal:MaxRows"] = "500",
            ["Journal:MaxAge"] = "1.00:00:00",
        }).Build();
        using var provider = new ServiceCollection().AddBreakwaterJournal(config.GetSection("Journal")).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<JournalOptions>>().Value;

        Assert.Equal("/tmp/bw-bound.db", options.Path);
        Assert.Equal(500, options.MaxRows);
        Assert.Equal(TimeSpan.FromDays(1), options.MaxAge);
    }

    [Fact]
    public void AddBreakwaterJournal_InvalidOptions_FailValidation()
    {
        using var provider = new ServiceCollection().AddBreakwaterJournal(o => o.MaxRows = 0).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<JournalOptions>>().Value);
        Assert.Contains("Journal:MaxRows: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JournalOptions_Defaults_MatchTheDocumentedValues()
    {
        var options = new JournalOptions();

        Assert.Equal(TimeSpan.FromDays(7), options.MaxAge);
        Assert.Equal(100_000, options.MaxRows);
        var env = Environment.GetEnvironmentVariable(JournalOptions.PathEnvironmentVariable);
        if (string.IsNullOrEmpty(env))
        {
            Assert.EndsWith(Path.Combine(".breakwater", "journal.db"), options.Path, StringComparison.Ordinal);
        }
    }
}
