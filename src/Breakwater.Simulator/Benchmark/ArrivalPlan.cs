using Breakwater.Simulator.Scenarios;

namespace Breakwater.Simulator.Benchmark;

/// <summary>Open-loop Poisson arrivals per model at <see cref="Scenario.OfferedRateAt"/>, all drawn from one seed.</summary>
internal static class ArrivalPlan
{
    public const int DefaultClients = 50;

    public static IReadOnlyList<PlannedRequest> Generate(Scenario scenario, int seed, int clients = DefaultClients)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var random = new Random(seed);
        var raw = new List<(double At, int ModelIndex)>();
        var boundaries = scenario.Load.Select(p => p.FromSeconds).Where(t => t > 0 && t < scenario.RunSeconds).Distinct().Order().ToArray();
        for (var m = 0; m < scenario.Models.Count; m++)
        {
            var model = scenario.Models[m];
            var t = 0.0;
            while (t < scenario.RunSeconds)
            {
                var next = NextBoundary(boundaries, t, scenario.RunSeconds);
                var rate = scenario.OfferedRateAt(model, t);
                if (rate <= 0)
                {
                    t = next;
                    continue;
                }

                var gap = -Math.Log(1.0 - random.NextDouble()) / rate;
                if (t + gap >= next)
                {
                    // Memoryless: restart the draw at the phase boundary with the new rate.
                    t = next;
                    continue;
                }

                t += gap;
                raw.Add((t, m));
            }
        }

        raw.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.ModelIndex.CompareTo(b.ModelIndex));
        var plan = new List<PlannedRequest>(raw.Count);
        foreach (var (at, m) in raw)
        {
            var model = scenario.Models[m];
            plan.Add(new PlannedRequest
            {
                Index = plan.Count,
                Client = random.Next(clients),
                ArrivalSeconds = at,
                Model = model,
                Stream = scenario.StreamingFraction > 0 && random.NextDouble() < scenario.StreamingFraction,
                ServiceZ = Normal(random),
                OutputTokens = Math.Max(1, (int)Math.Round(model.OutputTokensMean * Math.Exp(-0.125 + (0.5 * Normal(random))))),
            });
        }

        if (scenario.Deferral is { Fraction: > 0 } deferral)
        {
            // Its own stream of draws: the arrivals, clients and service times stay those of the scenario without it.
            var draw = new Random(unchecked((seed * 7919) + 104_729));
            for (var i = 0; i < plan.Count; i++)
            {
                if (draw.NextDouble() < deferral.Fraction)
                {
                    plan[i] = plan[i] with { Deferrable = true };
                }
            }
        }

        return plan;
    }

    private static double NextBoundary(double[] boundaries, double t, double end)
    {
        foreach (var b in boundaries)
        {
            if (b > t)
            {
                return b;
            }
        }

        return end;
    }

    private static double Normal(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
