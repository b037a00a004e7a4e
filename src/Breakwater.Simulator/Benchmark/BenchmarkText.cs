using System.Globalization;
using System.Text;

namespace Breakwater.Simulator.Benchmark;

/// <summary>The report as plain aligned text (redirected output, docs), per mode one row per scenario and policy.</summary>
internal static class BenchmarkText
{
    /// <summary>The extra columns of a tenant mode: the background clients' figures in the same run.</summary>
    public static IReadOnlyList<string> BackgroundHeaders { get; } = ["bg success", "bg ampl."];

    /// <summary>The columns of <paramref name="mode"/>'s table: <see cref="Headers"/>, plus <see cref="BackgroundHeaders"/> in a tenant mode.</summary>
    public static IReadOnlyList<string> HeadersFor(BenchMode mode)
    {
        ArgumentNullException.ThrowIfNull(mode);
        return mode.Kind == BenchModeKind.Tenant ? [.. Headers, .. BackgroundHeaders] : Headers;
    }

    /// <summary>
    /// Row <paramref name="row"/> of <paramref name="scenario"/> in <paramref name="mode"/>: <see cref="Cells"/>; in a
    /// tenant mode the tested share's figures (goodput "-": the share is judged by its own success) and the background's.
    /// </summary>
    public static IReadOnlyList<string> CellsFor(BenchMode mode, ScenarioResult scenario, int row)
    {
        ArgumentNullException.ThrowIfNull(mode);
        ArgumentNullException.ThrowIfNull(scenario);
        var cells = Cells(scenario, scenario.Policies[row]);
        if (mode.Kind != BenchModeKind.Tenant || scenario.Backgrounds is not { } backgrounds)
        {
            return cells;
        }

        var c = CultureInfo.InvariantCulture;
        var b = backgrounds[row];
        return [.. cells.Select((cell, i) => Headers[i] == "goodput" ? "-" : cell), b.SuccessRate.ToString("0.000", c), b.Amplification.ToString("0.00", c)];
    }

    /// <summary>The line that heads a mode's tables.</summary>
    public static string Title(BenchMode mode)
    {
        ArgumentNullException.ThrowIfNull(mode);
        return mode.Kind switch
        {
            BenchModeKind.Clients => $"mode {mode.Name}: {ArrivalPlan.DefaultClients} clients, each with its own policy instance",
            BenchModeKind.Gateway => $"mode {mode.Name}: all {ArrivalPlan.DefaultClients} clients through one policy instance (as breakwater serve runs)",
            _ => $"mode {mode.Name}: the policy on clients 0-{BenchMode.TenantClients - 1} of {ArrivalPlan.DefaultClients}, {mode.Background} on the rest (figures of the policy's share; bg = the background's)",
        };
    }

    public static IReadOnlyList<string> Headers { get; } =
        ["scenario", "policy", "requests", "succeeded", "success", "goodput", "ampl.", "peak", "p50 s", "p99 s", "recovery s", "fallback", "early", "truncated"];

    public static IReadOnlyList<string> Cells(ScenarioResult scenario, PolicyResult p)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(p);
        var c = CultureInfo.InvariantCulture;
        return
        [
            scenario.Name,
            p.Policy,
            p.Requests.ToString(c),
            p.Succeeded.ToString(c),
            p.SuccessRate.ToString("0.000", c),
            p.GoodputFraction.ToString("0.000", c),
            p.Amplification.ToString("0.00", c),
            p.PeakAmplification.ToString("0.00", c),
            (p.P50Ms / 1000.0).ToString("0.0", c),
            (p.P99Ms / 1000.0).ToString("0.0", c),
            p.RecoverySeconds?.ToString(c) ?? "-",
            p.FallbackShare.ToString("0.000", c),
            p.EarlyRetries.ToString(c),
            p.Truncated.ToString(c),
        ];
    }

    /// <summary>Columns of the second table: how a policy fares in and after the incident, and how much of its upstream work and retrying is of use.</summary>
    public static IReadOnlyList<string> WorkHeaders { get; } =
        ["scenario", "policy", "incident", "stuck", "useful", "429/ok", "early client", "early key"];

    public static IReadOnlyList<string> WorkCells(ScenarioResult scenario, PolicyResult p)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(p);
        var c = CultureInfo.InvariantCulture;
        return
        [
            scenario.Name,
            p.Policy,
            p.IncidentSuccess?.ToString("0.000", c) ?? "-",
            p.StuckSuccess?.ToString("0.000", c) ?? "-",
            p.UsefulWork?.ToString("0.000", c) ?? "-",
            p.RateLimitedPerSuccess.ToString("0.000", c),
            p.EarlyRetriesClientWide.ToString(c),
            p.EarlyRetriesKeyWide.ToString(c),
        ];
    }

    /// <summary>Columns of the deferral table (scenarios with a <c>deferral</c> section).</summary>
    public static IReadOnlyList<string> DeferralHeaders { get; } =
        ["scenario", "policy", "deferrable", "completed", "completion", "deferred", "jobs ok", "expired", "failed", "unfinished", "tries/job", "job p50 min", "job p99 min", "non-deferrable", "non-def. success"];

    public static IReadOnlyList<string> DeferralCells(ScenarioResult scenario, PolicyResult p)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(p);
        var d = p.Deferral ?? throw new ArgumentException("The row has no deferral figures.", nameof(p));
        var c = CultureInfo.InvariantCulture;
        return
        [
            scenario.Name,
            p.Policy,
            d.Deferrable.ToString(c),
            d.Completed.ToString(c),
            d.CompletionRate.ToString("0.000", c),
            d.Deferred.ToString(c),
            d.JobsSucceeded.ToString(c),
            d.JobsExpired.ToString(c),
            d.JobsFailed.ToString(c),
            d.JobsUnfinished.ToString(c),
            d.AttemptsPerJob.ToString("0.00", c),
            (d.JobP50Seconds / 60.0).ToString("0.0", c),
            (d.JobP99Seconds / 60.0).ToString("0.0", c),
            d.NonDeferrable.ToString(c),
            d.NonDeferrableSuccessRate.ToString("0.000", c),
        ];
    }

    /// <summary>Markdown tables (docs/benchmarks.md) of every row, one per mode.</summary>
    public static string Markdown(BenchmarkReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        foreach (var m in report.Modes)
        {
            var headers = HeadersFor(m.Mode);
            var tenant = m.Mode.Kind == BenchModeKind.Tenant;
            sb.Append(sb.Length > 0 ? "\n" : "").Append(Title(m.Mode)).Append("\n\n");
            sb.Append("| ").AppendJoin(" | ", headers).Append(" |\n");
            sb.Append('|').AppendJoin("|", headers.Select(_ => "---")).Append("|\n");
            foreach (var s in m.Scenarios)
            {
                sb.Append("| ").Append(s.Name);
                if (!tenant)
                {
                    sb.Append(" (oracle ").Append(s.OracleSuccesses.ToString(CultureInfo.InvariantCulture)).Append(')');
                }

                sb.Append(" |").Append(string.Concat(Enumerable.Repeat(" |", headers.Count - 1))).Append('\n');
                for (var row = 0; row < s.Policies.Count; row++)
                {
                    var cells = CellsFor(m.Mode, s, row).ToArray();
                    cells[0] = "";
                    sb.Append("| ").AppendJoin(" | ", cells).Append(" |\n");
                }
            }
        }

        return sb.ToString();
    }

    /// <summary>Plain aligned columns, for output that is not a terminal: per mode its title, its tables, the oracle.</summary>
    public static string Plain(BenchmarkReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        foreach (var m in report.Modes)
        {
            if (sb.Length > 0)
            {
                sb.Append('\n');
            }

            sb.Append(Title(m.Mode)).Append('\n');
            var rows = new List<IReadOnlyList<string>> { HeadersFor(m.Mode) };
            foreach (var s in m.Scenarios)
            {
                rows.AddRange(Enumerable.Range(0, s.Policies.Count).Select(row => CellsFor(m.Mode, s, row)));
            }

            Align(sb, rows);
            var work = new List<IReadOnlyList<string>> { WorkHeaders };
            foreach (var s in m.Scenarios)
            {
                work.AddRange(s.Policies.Select(p => WorkCells(s, p)));
            }

            sb.Append('\n');
            Align(sb, work);
            var deferral = new List<IReadOnlyList<string>> { DeferralHeaders };
            foreach (var s in m.Scenarios)
            {
                deferral.AddRange(s.Policies.Where(p => p.Deferral is not null).Select(p => DeferralCells(s, p)));
            }

            if (deferral.Count > 1)
            {
                sb.Append('\n');
                Align(sb, deferral);
                sb.Append('\n');
            }

            if (m.Mode.Kind != BenchModeKind.Tenant)
            {
                foreach (var s in m.Scenarios)
                {
                    sb.Append(OracleLine(s)).Append('\n');
                }
            }
        }

        return sb.ToString();
    }

    /// <summary>One line per scenario: the oracle's best successes, each discipline's, the impossible count.</summary>
    public static string OracleLine(ScenarioResult scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var o = scenario.Oracle;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{scenario.Name}: oracle successes {scenario.OracleSuccesses} ({BenchmarkReport.OracleName(o.Best)}; newest-first {o.NewestFirstSuccesses}, fifo-cutoff {o.FifoSuccesses} at k {o.FifoCutoff:0.0}, edf {o.EdfSuccesses}; impossible {o.Impossible})");
    }

    private static void Align(StringBuilder sb, List<IReadOnlyList<string>> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Count).Select(i => rows.Max(r => r[i].Length)).ToArray();
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append("  ");
                }

                sb.Append(i < 2 ? row[i].PadRight(widths[i]) : row[i].PadLeft(widths[i]));
            }

            sb.Append('\n');
        }
    }
}
