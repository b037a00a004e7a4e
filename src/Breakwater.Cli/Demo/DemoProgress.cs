namespace Breakwater.Cli.Demo;

/// <summary>A live view of the demo.</summary>
internal sealed record DemoProgress(double ScenarioSeconds, DemoWindow Window, DemoPathStats Unprotected, DemoPathStats Protected, double Capacity);
