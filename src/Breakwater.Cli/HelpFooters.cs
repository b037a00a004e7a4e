using Breakwater.Simulator.Benchmark;

namespace Breakwater.Cli;

/// <summary>The sections <c>--help</c> adds below the options, per command path ("" is <c>breakwater --help</c>).</summary>
internal static class HelpFooters
{
    private static readonly (string, string)[] GeneralCodes = [.. ExitCodes.General.Take(3)];

    /// <summary>What each column of <c>bench policies</c> means, by header (both tables).</summary>
    public static IReadOnlyDictionary<string, string> BenchColumns { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["scenario"] = "the scenario run (docs/scenarios.md)",
        ["policy"] = "the client policy: none, sdk-default, naive-529, polly-standard, breakwater (breakwater-defer with deferral)",
        ["requests"] = "logical requests the scenario's clients sent",
        ["succeeded"] = "requests that got a complete answer within their deadline",
        ["success"] = "succeeded / requests",
        ["goodput"] = "succeeded / the oracle's successes (1.000 = as good as perfect coordination)",
        ["ampl."] = "amplification: upstream attempts / requests (1.00 = no retries)",
        ["peak"] = "the worst 10 s window's amplification",
        ["p50 s"] = "median latency of successful requests, seconds",
        ["p99 s"] = "99th-percentile latency of successful requests, seconds",
        ["recovery s"] = "seconds from the incident's end until every 30 s window of arrivals over the next 60 s is back to 95 % of the pre-incident success rate (- when never, or nothing to recover from)",
        ["fallback"] = "share of successes served by a fallback model",
        ["early"] = "retries of a call sent before the retry-after that call was given had expired",
        ["early client"] = "retries sent while a retry-after the same client was given (for any call) was running",
        ["early key"] = "retries sent while a retry-after given to any client of the API key was running",
        ["incident"] = "success rate of requests arriving from the incident's start to 60 s after its end",
        ["stuck"] = "success rate of requests arriving in the 300 s before a load shed (- when the scenario has none)",
        ["useful"] = "successes / upstream service starts (1.000 = no upstream work wasted)",
        ["429/ok"] = "429 responses per success",
        ["truncated"] = "streams that ended cleanly without message_stop",
        ["deferrable"] = "requests that allowed deferral (breakwater-defer)",
        ["completed"] = "deferrable requests answered live or as a job within their deadline",
        ["completion"] = "completed / deferrable",
        ["deferred"] = "requests turned into jobs",
        ["jobs ok"] = "jobs that succeeded",
        ["expired"] = "jobs that reached their deadline unsent or unfinished",
        ["failed"] = "jobs that failed for good",
        ["unfinished"] = "jobs still queued or running when the run ended",
        ["tries/job"] = "upstream attempts per job",
        ["job p50 min"] = "median time from request to job completion, minutes",
        ["job p99 min"] = "99th-percentile time from request to job completion, minutes",
        ["non-deferrable"] = "requests that did not allow deferral",
        ["non-def. success"] = "success rate of the non-deferrable requests",
        ["bg success"] = "tenant modes: success rate of the background clients (10-49) in the same run",
        ["bg ampl."] = "tenant modes: the background clients' upstream attempts / requests",
    };

    /// <summary>The footer sections of one command, as (title, rows of (name, text)).</summary>
    public static IReadOnlyList<(string Title, IReadOnlyList<(string Name, string Text)> Rows)> For(string command) => command switch
    {
        "" =>
        [
            ("EXIT CODES", ExitCodes.General),
            ("MORE", [("breakwater help <command>", "the options of a command (same as breakwater <command> --help)"), ("docs/cli.md", "every command, its output and the exit codes")]),
        ],
        "serve" =>
        [
            ("CONFIGURATION", [
                ("1. appsettings.json", "in the current directory, if present"),
                ("2. --config FILE", "a JSON file with the same keys (docs/configuration.md)"),
                ("3. BREAKWATER__*", "environment variables, __ between levels: BREAKWATER__Port=9000, BREAKWATER__Breakwater__Retry__Overloaded__MaxRetries=2"),
                ("4. the flags above", "highest precedence"),
                ("", "Unknown keys, malformed JSON and invalid values stop the gateway at start (exit code 2)."),
            ]),
            ("EXIT CODES", GeneralCodes),
        ],
        "doctor" =>
        [
            ("EXIT CODES", [.. ExitCodes.Doctor.Select(d => (d.Code.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{d.Verdict}: {d.Meaning}")), .. ExitCodes.General.Skip(1).Take(2)]),
        ],
        "bench policies" =>
        [
            ("COLUMNS", [.. BenchmarkText.Headers.Select(h => (h, BenchColumns.GetValueOrDefault(h, "")))]),
            ("INCIDENT AND WORK COLUMNS", [.. BenchmarkText.WorkHeaders.Skip(2).Select(h => (h, BenchColumns.GetValueOrDefault(h, "")))]),
            ("DEFERRAL COLUMNS (scenarios with deferral)", [.. BenchmarkText.DeferralHeaders.Skip(2).Select(h => (h, BenchColumns.GetValueOrDefault(h, "")))]),
            ("TENANT COLUMNS (tenant modes; goodput is -: the share is judged by its own success)", [.. BenchmarkText.BackgroundHeaders.Select(h => (h, BenchColumns.GetValueOrDefault(h, "")))]),
            ("MODES", [.. BenchMode.All.Select(m => (m.Name, BenchmarkText.Title(m)["mode ".Length..].Split(": ", 2)[1]))]),
            ("EXIT CODES", GeneralCodes),
        ],
        _ => [("EXIT CODES", GeneralCodes)],
    };
}
