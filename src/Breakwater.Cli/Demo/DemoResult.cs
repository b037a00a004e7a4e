using Breakwater.Simulator.Scenarios;

namespace Breakwater.Cli.Demo;

/// <summary>The outcome of a demo run.</summary>
internal sealed record DemoResult(Scenario Scenario, DemoWindow Window, DemoPathStats Unprotected, DemoPathStats Protected, TimeSpan WallTime, double TimeScale, int Seed);
