namespace Breakwater;

/// <summary>Placeholder replaced by the pipeline.</summary>
public sealed class BreakwaterHandler : DelegatingHandler
{
}
