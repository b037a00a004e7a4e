using Breakwater.Cli.Doctor;

namespace Breakwater.Cli;

/// <summary>
/// The exit codes of every <c>breakwater</c> command, one table for the whole tool (shown by <c>breakwater --help</c>
/// and in docs/cli.md). Doctor adds its verdicts, 10-16, so a script can tell a diagnosis from a broken run.
/// </summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked (doctor: the verdict is <c>healthy</c>).</summary>
    public const int Ok = 0;

    /// <summary>The command was understood but failed while running: a port in use, an unreadable journal, an unexpected error.</summary>
    public const int RuntimeFailure = 1;

    /// <summary>The command line or the configuration is wrong: an unknown command or option, a bad value, an invalid config file.</summary>
    public const int Usage = 2;

    /// <summary>The general codes, as (code, meaning) rows.</summary>
    public static IReadOnlyList<(string Code, string Meaning)> General { get; } =
    [
        ("0", "success (doctor: healthy)"),
        ("1", "runtime failure: the command ran and failed (port in use, unreadable journal or job database, unexpected error)"),
        ("2", "usage or configuration error: unknown command or option, invalid value, invalid configuration file or key"),
        ("10-16", "doctor's verdicts (breakwater doctor --help lists them)"),
    ];

    /// <summary>Doctor's verdicts, as (code, verdict, meaning) rows, from <see cref="DoctorVerdict"/>.</summary>
    public static IReadOnlyList<(int Code, string Verdict, string Meaning)> Doctor { get; } =
        [.. Enum.GetValues<DoctorVerdict>().Select(v => (v.ExitCode(), v.Name(), Meaning(v)))];

    private static string Meaning(DoctorVerdict verdict) => verdict switch
    {
        DoctorVerdict.Healthy => "nothing is wrong that doctor can see",
        DoctorVerdict.PlatformIncident => "an incident is open on the status page",
        DoctorVerdict.PlatformOverload => "the API is overloaded (529/5xx) and no incident is posted",
        DoctorVerdict.SelfInflicted => "this machine's own traffic: bursts or concurrency",
        DoctorVerdict.Quota => "a spend limit or a rate limit with little remaining",
        DoctorVerdict.ClientError => "the request is rejected: key, billing, permission, model or shape",
        DoctorVerdict.GatewayMasking => "direct calls work, the ANTHROPIC_BASE_URL gateway fails",
        DoctorVerdict.Network => "no HTTP answer at all: DNS, proxy, firewall, TLS",
        _ => "",
    };
}
