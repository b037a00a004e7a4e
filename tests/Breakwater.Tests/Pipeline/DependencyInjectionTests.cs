using System.Net;
using Breakwater.State;
using Breakwater.Tests.TestKit;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace Breakwater.Tests.Pipeline;

public sealed class DependencyInjectionTests
{
    private const string ClientName = "anthropic";

    private sealed record Sut(ServiceProvider Provider, ObservableTimeProvider Time, ScriptedHandler Upstream) : IDisposable
    {
        private readonly List<IDisposable> _owned = [];

        public IHttpClientFactory Factory => Provider.GetRequiredService<IHttpClientFactory>();

        public BreakwaterOptions Options => Provider.GetRequiredService<IOptionsMonitor<BreakwaterOptions>>().Get(ClientName);

        public BreakwaterRegistry Registry => Provider.GetRequiredService<BreakwaterRegistry>();

        public Task<HttpResponseMessage> Send(HttpMessageInvoker client)
        {
            // The request is in flight when this returns; the fixture owns it and disposes it with itself.
            var request = Api.Request();
            _owned.Add(request);
            return TimeLoop.Run(Time, client.SendAsync(request, CancellationToken.None), TimeSpan.FromMilliseconds(5));
        }

        /// <summary>
        /// Builds the client's handler chain the way IHttpClientFactory does each time a handler's lifetime expires
        /// (new scope, new builder, the client's builder actions): a rotation without waiting out the real-time lifetime.
        /// </summary>
        public HttpMessageHandler BuildRotatedChain()
        {
            // The scope lives as long as the chain it built (as IHttpClientFactory keeps it); the fixture disposes it.
            var scope = Provider.CreateScope();
            _owned.Add(scope);
            var builder = scope.ServiceProvider.GetRequiredService<HttpMessageHandlerBuilder>();
            builder.Name = ClientName;
            foreach (var action in Provider.GetRequiredService<IOptionsMonitor<HttpClientFactoryOptions>>().Get(ClientName).HttpMessageHandlerBuilderActions)
            {
                action(builder);
            }

            return builder.Build();
        }

        public void Dispose()
        {
            foreach (var owned in _owned)
            {
                owned.Dispose();
            }

            Provider.Dispose();
            Upstream.Dispose();
        }
    }

    private static Sut CreateSut(Func<IHttpClientBuilder, IHttpClientBuilder> addBreakwater, Func<int, HttpResponseMessage>? script = null)
    {
        var time = new ObservableTimeProvider();
        #pragma warning disable CA2000 // Ownership moves to the returned Sut (its Dispose disposes it); the client factory uses it as the primary handler meanwhile.
        var upstream = new ScriptedHandler(time, script ?? (n => Api.Ok($"req_{n}")));
        #pragma warning restore CA2000
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<Random>(new FixedRandom(0));
        addBreakwater(services.AddHttpClient(ClientName))
            .ConfigurePrimaryHttpMessageHandler(() => upstream);
        return new Sut(services.BuildServiceProvider(), time, upstream);
    }

    private static IConfigurationSection Section(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("Breakwater:" + v.Key, v.Value)))
            .Build()
            .GetSection("Breakwater");

    private static BreakwaterHandler FindBreakwater(HttpMessageHandler chain)
    {
        for (var h = chain; h is DelegatingHandler d; h = d.InnerHandler!)
        {
            if (d is BreakwaterHandler b)
            {
                return b;
            }
        }

        throw new Xunit.Sdk.XunitException("no BreakwaterHandler in the chain");
    }

    private static string Header(HttpResponseMessage r, string name) =>
        r.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : "";

    [Fact]
    public async Task AddBreakwater_NoArguments_DefaultPlansNamedAfterTheClient()
    {
        using var sut = CreateSut(b => b.AddBreakwater(), n => n == 0 ? Api.Overloaded("req_0") : Api.Ok("req_ok"));

        using var response = await sut.Send(sut.Factory.CreateClient(ClientName));

        Assert.Equal(ClientName, sut.Options.Name);
        Assert.Equal(4, sut.Options.Retry.Overloaded.MaxRetries);
        Assert.Equal(TimeSpan.FromMinutes(10), sut.Options.TotalDeadline);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2", Header(response, BreakwaterHeaders.Attempts));
        Assert.Equal(TimeSpan.FromSeconds(1), sut.Upstream.Requests[1].At - sut.Upstream.Requests[0].At);
    }

    [Fact]
    public async Task AddBreakwater_Action_AppliesTheConfiguration()
    {
        using var sut = CreateSut(b => b.AddBreakwater(o => o.Retry.Overloaded.MaxRetries = 1), n => Api.Overloaded($"req_{n}"));

        using var response = await sut.Send(sut.Factory.CreateClient(ClientName));

        Assert.Equal(ClientName, sut.Options.Name);
        Assert.Equal(1, sut.Options.Retry.Overloaded.MaxRetries);
        Assert.Equal(2, sut.Upstream.Count);
        Assert.Equal("attempts", Header(response, BreakwaterHeaders.GiveUp));
    }

    [Fact]
    public async Task AddBreakwater_ConfigurationSection_BindsTheSection()
    {
        var section = Section(
            ("Retry:Overloaded:MaxRetries", "2"),
            ("Retry:Overloaded:BaseDelay", "00:00:03"),
            ("TotalDeadline", "00:02:00"),
            ("Budget:MinRetries", "7"));
        using var sut = CreateSut(b => b.AddBreakwater(section), n => Api.Overloaded($"req_{n}"));

        using var response = await sut.Send(sut.Factory.CreateClient(ClientName));

        Assert.Equal(ClientName, sut.Options.Name);
        Assert.Equal(TimeSpan.FromMinutes(2), sut.Options.TotalDeadline);
        Assert.Equal(7, sut.Options.Budget.MinRetries);
        Assert.Equal(3, sut.Upstream.Count);
        Assert.Equal(TimeSpan.FromSeconds(3), sut.Upstream.Requests[1].At - sut.Upstream.Requests[0].At);
        Assert.Equal("attempts", Header(response, BreakwaterHeaders.GiveUp));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("action")]
    [InlineData("section")]
    public void AddBreakwater_AnyOverload_HttpClientTimeoutIsInfinite(string overload)
    {
        using var sut = CreateSut(b => overload switch
        {
            "none" => b.AddBreakwater(),
            "action" => b.AddBreakwater(o => o.TotalDeadline = TimeSpan.FromMinutes(3)),
            _ => b.AddBreakwater(Section(("TotalDeadline", "00:03:00"))),
        });

        using var client = sut.Factory.CreateClient(ClientName);

        Assert.Equal(Timeout.InfiniteTimeSpan, client.Timeout);
    }

    [Fact]
    public void AddBreakwater_InvalidOptions_StartupValidationThrowsOneExceptionListingEveryProblem()
    {
        using var sut = CreateSut(b => b.AddBreakwater(o =>
        {
            o.Retry.Overloaded.BaseDelay = TimeSpan.FromSeconds(-1);
            o.Retry.RateLimited.Jitter = 2;
            o.Budget.Ratio = -1;
        }));

        var ex = Assert.Throws<OptionsValidationException>(() => sut.Provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(ClientName, ex.OptionsName);
        Assert.Equal(3, ex.Failures.Count());
        Assert.Contains(ex.Failures, f => f.Contains("Overloaded:BaseDelay", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("RateLimited", StringComparison.Ordinal) && f.Contains("Jitter", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("Budget", StringComparison.Ordinal) && f.Contains("Ratio", StringComparison.Ordinal));
        // One message lists them all, so one restart fixes everything.
        Assert.All(ex.Failures, f => Assert.Contains(f, ex.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddBreakwater_InvalidConfigurationSection_HostFailsToStart()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddHttpClient(ClientName).AddBreakwater(Section(
            ("Retry:ServerError:MaxDelay", "-00:00:01"),
            ("Retry:Overloaded:Jitter", "2"),
            ("AttemptTimeout", "00:00:00")));
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(3, ex.Failures.Count());
        Assert.Contains(ex.Failures, f => f.Contains("ServerError:MaxDelay", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("Overloaded", StringComparison.Ordinal) && f.Contains("Jitter", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("AttemptTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsOneExceptionListingEveryProblem()
    {
        var options = new BreakwaterOptions { TotalDeadline = TimeSpan.Zero };
        options.Retry.Conflict.MaxRetries = -1;

        var ex = Assert.Throws<OptionsValidationException>(() => new BreakwaterHandler(options));

        Assert.Equal(2, ex.Failures.Count());
    }

    [Fact]
    public async Task AddBreakwater_TwoCreateClientCalls_ShareOneClientStateAndBudget()
    {
        using var sut = CreateSut(b => b.AddBreakwater());

        using var first = await sut.Send(sut.Factory.CreateClient(ClientName));
        using var second = await sut.Send(sut.Factory.CreateClient(ClientName));

        var state = Assert.Single(sut.Registry.Clients);
        Assert.Equal(ClientName, state.Name);
        Assert.Equal(2, state.Budget.Snapshot().FirstAttempts);
    }

    [Fact]
    public async Task AddBreakwater_HandlerRotation_NewHandlerKeepsTheClientState()
    {
        using var sut = CreateSut(b => b.AddBreakwater().SetHandlerLifetime(TimeSpan.FromMinutes(2)));

        var before = sut.BuildRotatedChain();
        var after = sut.BuildRotatedChain();
        using var httpMessageInvoker2 = new HttpMessageInvoker(before, disposeHandler: false);
        using var beforeResponse = await sut.Send(httpMessageInvoker2);
        using var httpMessageInvoker = new HttpMessageInvoker(after, disposeHandler: false);
        using var afterResponse = await sut.Send(httpMessageInvoker);

        Assert.NotSame(FindBreakwater(before), FindBreakwater(after));
        Assert.Same(FindBreakwater(before).Pipeline.Client, FindBreakwater(after).Pipeline.Client);
        var state = Assert.Single(sut.Registry.Clients);
        Assert.Equal(2, state.Budget.Snapshot().FirstAttempts);
    }

    [Fact]
    public async Task AddBreakwater_TwoNamedClients_OneStateEach()
    {
        var time = new ObservableTimeProvider();
        using var upstream = new ScriptedHandler(time, n => Api.Ok($"req_{n}"));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddHttpClient("a").AddBreakwater().ConfigurePrimaryHttpMessageHandler(() => upstream);
        services.AddHttpClient("b").AddBreakwater().ConfigurePrimaryHttpMessageHandler(() => upstream);
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IHttpClientFactory>();

        using var aRequest = Api.Request();
        using var a = await TimeLoop.Run(time, factory.CreateClient("a").SendAsync(aRequest), TimeSpan.FromMilliseconds(5));
        using var request = Api.Request();
        using var b = await TimeLoop.Run(time, factory.CreateClient("b").SendAsync(request), TimeSpan.FromMilliseconds(5));

        var states = provider.GetRequiredService<BreakwaterRegistry>().Clients.OrderBy(c => c.Name, StringComparer.Ordinal).ToArray();
        Assert.Equal(["a", "b"], states.Select(s => s.Name));
        Assert.All(states, s => Assert.Equal(1, s.Budget.Snapshot().FirstAttempts));
    }

    [Fact]
    public async Task AddBreakwater_MakesItsMeterWithTheContainersMeterFactory()
    {
        var time = new ObservableTimeProvider();
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddSingleton<TimeProvider>(time);
        services.AddHttpClient(ClientName).AddBreakwater().ConfigurePrimaryHttpMessageHandler(() => new ScriptedHandler(time, n => Api.Ok($"req_{n}")));
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IMeterFactory>();
        using var attempts = new MetricCollector<long>(factory, "Breakwater", "breakwater.attempts");

        using var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName);
        using var request = Api.Request();
        using var response = await TimeLoop.Run(time, client.SendAsync(request, CancellationToken.None), TimeSpan.FromMilliseconds(5));

        Assert.Same(factory, provider.GetRequiredService<BreakwaterRegistry>().Metrics.Meter.Scope);
        var measurement = Assert.Single(attempts.GetMeasurementSnapshot());
        Assert.Equal(ClientName, measurement.Tags["client"]);
    }
}
