using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Acme.Hello;

/// <summary>A hosted service: the host starts it (under Host:Timeouts:Start) after validating the
/// options, and stops it (under Host:Timeouts:Stop) before unloading the plugin.</summary>
public sealed partial class HeartbeatService(ILogger<HeartbeatService> logger) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogStarted(logger);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        LogStopped(logger);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Heartbeat started.")]
    private static partial void LogStarted(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Heartbeat stopped.")]
    private static partial void LogStopped(ILogger logger);
}
