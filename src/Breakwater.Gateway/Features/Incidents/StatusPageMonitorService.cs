using Breakwater.Status;
using Microsoft.Extensions.Hosting;

namespace Breakwater.Gateway.Features.Incidents;

/// <summary>Starts the status page monitor with the gateway (its first poll runs in the background) and stops it with it.</summary>
internal sealed class StatusPageMonitorService(StatusPageMonitor monitor) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        monitor.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        monitor.Dispose();
        return Task.CompletedTask;
    }
}
