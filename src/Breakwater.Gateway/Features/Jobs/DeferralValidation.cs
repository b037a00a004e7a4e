namespace Breakwater.Gateway.Features.Jobs;

/// <summary>Checks <c>Breakwater:Deferral</c> at start, with the other settings, so a bad value is one clear message.</summary>
internal static class DeferralValidation
{
    public static IEnumerable<string> Validate(GatewayOptions options)
    {
        var d = options.Deferral;
        var problems = new List<string>();
        if (!d.Enabled)
        {
            return problems;
        }

        if (string.IsNullOrWhiteSpace(d.Path))
        {
            problems.Add("Breakwater:Deferral:Path must name the job database file.");
        }
        else
        {
            try
            {
                if (Directory.Exists(d.FullPath))
                {
                    problems.Add($"Breakwater:Deferral:Path must be a file, not a directory (is '{d.Path}').");
                }
            }
            catch (Exception ex) when (ex is ArgumentException or IOException or NotSupportedException or UnauthorizedAccessException)
            {
                problems.Add($"Breakwater:Deferral:Path is not a usable path (is '{d.Path}').");
            }
        }

        if (d.KeyCertificatePath.Length > 0 && !File.Exists(Breakwater.Telemetry.Journal.JournalOptions.Expand(d.KeyCertificatePath)))
        {
            problems.Add($"Breakwater:Deferral:KeyCertificatePath names no file (is '{d.KeyCertificatePath}').");
        }

        if (d.MaxDeadline <= TimeSpan.Zero)
        {
            problems.Add($"Breakwater:Deferral:MaxDeadline must be positive (is {d.MaxDeadline}).");
        }

        var worker = d.Worker();
        var workerProblems = worker.Validate();
        problems.AddRange(workerProblems.Select(p => "Breakwater:Deferral:" + p));
        if (d.MaxDeadline > TimeSpan.Zero && workerProblems.Count == 0 && d.MaxDeadline < worker.ShortestDeferral)
        {
            problems.Add($"Breakwater:Deferral:MaxDeadline ({d.MaxDeadline}) is shorter than the shortest deferral the quiet period allows ({worker.ShortestDeferral}: MinQuietPeriod or QuietPeriod, whichever is shorter, plus PollInterval), so every breakwater-defer would be refused.");
        }
        return problems;
    }
}
