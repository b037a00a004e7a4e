using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Breakwater.Gateway;

/// <summary>Entry point for hosting the gateway, from the <c>breakwater serve</c> command or from tests.</summary>
public static class GatewayApp
{
    /// <summary>
    /// Starts describing a gateway. Configuration sources, lowest precedence first: <c>appsettings.json</c> in the
    /// current directory (optional), <see cref="GatewayAppBuilder.UseConfigFile"/>, environment variables
    /// <c>BREAKWATER__*</c>, <paramref name="args"/> (<c>--port</c>, <c>--upstream</c>, <c>--listen</c>, or any
    /// <c>--Key=value</c>), then <see cref="GatewayAppBuilder.Configure"/>.
    /// </summary>
    public static GatewayAppBuilder CreateBuilder(params string[] args) => new(args);

    /// <summary>The address a started gateway listens on (with the real port when port 0 was asked for).</summary>
    public static Uri GetAddress(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("The gateway is not listening yet; call StartAsync first.");
        return new Uri(first.EndsWith('/') ? first : first + "/");
    }
}
