namespace Breakwater.Cli.Doctor;

/// <summary>Everything doctor and incidents take from the outside world, so tests can replace it.</summary>
internal sealed record DoctorEnvironment
{
    /// <summary>Creates the handler for every HTTP call (status page and probes); tests inject failures here.</summary>
    public Func<HttpMessageHandler> CreateHandler { get; init; } = static () => new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(2),
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
    };

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Spacing of the probe's requests. Default 2 s.</summary>
    public TimeSpan ProbeSpacing { get; init; } = TimeSpan.FromSeconds(2);

    public int ProbeCount { get; init; } = 3;

    /// <summary>Timeout of one probe request. Default 1.5 s, so three requests 2 s apart fit in the 10 s budget.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Timeout of the status page. Default 3 s.</summary>
    public TimeSpan StatusTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The whole run. Default 9.5 s (the promise is at most 10 s).</summary>
    public TimeSpan TotalBudget { get; init; } = TimeSpan.FromSeconds(9.5);

    /// <summary>How far back doctor reads the journal. Default 1 h.</summary>
    public TimeSpan JournalWindow { get; init; } = TimeSpan.FromHours(1);

    /// <summary><c>true</c> when stdout is a terminal (tables), <c>false</c> when redirected (plain text).</summary>
    public bool Interactive { get; init; } = !Console.IsOutputRedirected;

    public static DoctorEnvironment Default { get; } = new();
}
