namespace Breakwater.Simulator.Scenarios;

/// <summary>Collects every semantic problem of a scenario, so that one error message lists them all.</summary>
internal static class ScenarioValidator
{
    public static List<string> Validate(Scenario s)
    {
        var p = new List<string>();
        if (string.IsNullOrWhiteSpace(s.Name))
        {
            p.Add("name: required");
        }

        if (!(s.RunSeconds > 0))
        {
            p.Add("runSeconds: must be > 0");
        }

        Positive(p, "deadlineSeconds", s.DeadlineSeconds);
        Positive(p, "attemptTimeoutSeconds", s.AttemptTimeoutSeconds);
        NonNegative(p, "queueSeconds", s.QueueSeconds);
        NonNegative(p, "rejectionCostMs", s.RejectionCostMs);
        Fraction(p, "streamingFraction", s.StreamingFraction);

        if (!ScenarioQueueBound.All.Contains(s.QueueBound ?? "", StringComparer.Ordinal))
        {
            p.Add($"queueBound: must be one of {string.Join(", ", ScenarioQueueBound.All.Select(v => $"'{v}'"))}");
        }

        if (s.QueueTimeoutSeconds is { } qt)
        {
            Positive(p, "queueTimeoutSeconds", qt);
        }

        if (!(s.SaturatedSlowdown >= 1) || double.IsInfinity(s.SaturatedSlowdown))
        {
            p.Add("saturatedSlowdown: must be >= 1");
        }

        if (s.RetryAfter529Seconds is { } ra)
        {
            NonNegative(p, "retryAfter529Seconds", ra);
        }

        if (s.RandomOverload is { } ro)
        {
            Fraction(p, "randomOverload.fraction", ro.Fraction);
            Window(p, "randomOverload", ro.StartSeconds, ro.EndSeconds);
        }

        if (s.Models is null || s.Models.Count == 0)
        {
            p.Add("models: at least one model is required");
        }
        else
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < s.Models.Count; i++)
            {
                var m = s.Models[i];
                var at = $"models[{i}]";
                if (m is null)
                {
                    p.Add($"{at}: must be an object");
                    continue;
                }

                if (string.IsNullOrWhiteSpace(m.Name))
                {
                    p.Add($"{at}.name: required");
                }
                else if (!names.Add(m.Name))
                {
                    p.Add($"{at}.name: '{m.Name}' appears twice");
                }

                if (m.Slots <= 0)
                {
                    p.Add($"{at}.slots: must be > 0");
                }

                Positive(p, $"{at}.serviceMeanSeconds", m.ServiceMeanSeconds);
                NonNegative(p, $"{at}.serviceSigma", m.ServiceSigma);
                if (m.OutputTokensMean <= 0)
                {
                    p.Add($"{at}.outputTokensMean: must be > 0");
                }
            }
        }

        for (var i = 0; i < s.Incidents.Count; i++)
        {
            var inc = s.Incidents[i];
            var at = $"incidents[{i}]";
            if (inc is null)
            {
                p.Add($"{at}: must be an object");
                continue;
            }

            Reference(p, s, $"{at}.model", inc.Model);
            NonNegative(p, $"{at}.startSeconds", inc.StartSeconds);
            if (!(inc.EndSeconds > inc.StartSeconds))
            {
                p.Add($"{at}.endSeconds: must be after startSeconds");
            }

            Fraction(p, $"{at}.capacity", inc.Capacity);
        }

        for (var i = 0; i < s.Load.Count; i++)
        {
            var phase = s.Load[i];
            var at = $"load[{i}]";
            if (phase is null)
            {
                p.Add($"{at}: must be an object");
                continue;
            }

            Reference(p, s, $"{at}.model", phase.Model);
            NonNegative(p, $"{at}.fromSeconds", phase.FromSeconds);
            if (phase.Rate is null == phase.Fraction is null)
            {
                p.Add($"{at}: set exactly one of rate and fraction");
            }

            if (phase.Rate is { } r)
            {
                NonNegative(p, $"{at}.rate", r);
            }

            if (phase.Fraction is { } f)
            {
                NonNegative(p, $"{at}.fraction", f);
            }
        }

        if (s.RateLimits is { } rl)
        {
            if (rl.Rpm <= 0)
            {
                p.Add("rateLimits.rpm: must be > 0");
            }

            if (rl.Itpm <= 0)
            {
                p.Add("rateLimits.itpm: must be > 0");
            }

            if (rl.Otpm <= 0)
            {
                p.Add("rateLimits.otpm: must be > 0");
            }
        }

        if (s.MidStream is { } ms)
        {
            Fraction(p, "midStream.probability", ms.Probability);
            Window(p, "midStream", ms.StartSeconds, ms.EndSeconds);
        }

        if (s.Deferral is { } df)
        {
            Fraction(p, "deferral.fraction", df.Fraction);
            if (!(df.DeadlineSeconds >= s.DeadlineSeconds) || double.IsInfinity(df.DeadlineSeconds))
            {
                p.Add($"deferral.deadlineSeconds: must be finite and at least deadlineSeconds ({s.DeadlineSeconds})");
            }
        }

        if (s.Masked is { } mk)
        {
            Fraction(p, "masked.fraction", mk.Fraction);
            Window(p, "masked", mk.StartSeconds, mk.EndSeconds);
        }

        for (var i = 0; i < s.FallbackChain.Count; i++)
        {
            if (s.Models is { Count: > 0 } && s.FindModel(s.FallbackChain[i] ?? "") is null)
            {
                p.Add($"fallbackChain[{i}]: no model named '{s.FallbackChain[i]}'");
            }
        }

        if (s.StatusPage is null)
        {
            p.Add("statusPage: must be an object");
        }
        else
        {
            NonNegative(p, "statusPage.postedAfterMinutes", s.StatusPage.PostedAfterMinutes);
            NonNegative(p, "statusPage.identifiedAfterMinutes", s.StatusPage.IdentifiedAfterMinutes);
            NonNegative(p, "statusPage.resolvedAfterMinutes", s.StatusPage.ResolvedAfterMinutes);
        }

        return p;
    }

    private static void Reference(List<string> p, Scenario s, string at, string? reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            p.Add($"{at}: required (a model name, a family or 'all')");
            return;
        }

        if (reference != "all" && s.Models is { Count: > 0 } && !s.Models.Any(m => m is not null && Scenario.Designates(reference, m)))
        {
            p.Add($"{at}: '{reference}' names no model (use a model name, a family or 'all')");
        }
    }

    private static void Window(List<string> p, string at, double start, double? end)
    {
        NonNegative(p, $"{at}.startSeconds", start);
        if (end is { } e && !(e > start))
        {
            p.Add($"{at}.endSeconds: must be after startSeconds");
        }
    }

    private static void Positive(List<string> p, string at, double v)
    {
        if (!(v > 0) || double.IsInfinity(v))
        {
            p.Add($"{at}: must be > 0");
        }
    }

    private static void NonNegative(List<string> p, string at, double v)
    {
        if (!(v >= 0) || double.IsInfinity(v))
        {
            p.Add($"{at}: must be >= 0");
        }
    }

    private static void Fraction(List<string> p, string at, double v)
    {
        if (!(v >= 0 && v <= 1))
        {
            p.Add($"{at}: must be between 0 and 1");
        }
    }
}
