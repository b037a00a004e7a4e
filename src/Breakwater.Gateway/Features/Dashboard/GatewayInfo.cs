namespace Breakwater.Gateway.Features.Dashboard;

/// <summary>Who this gateway is.</summary>
internal sealed record GatewayInfo(string Upstream, string AuthMode, string Version, DateTimeOffset StartedAt, DateTimeOffset Now);
