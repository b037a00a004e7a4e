namespace Breakwater.Cli.Demo;

/// <summary>What the demo plays.</summary>
internal sealed record DemoSettings(string Scenario = "flash-storm", int Seed = 1, double WallSeconds = 28);
