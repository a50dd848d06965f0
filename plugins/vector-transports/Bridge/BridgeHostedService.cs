using Framework.Abstractions.Capabilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Framework.Plugins.VectorTransports.Bridge;

/// <summary>
/// Runs the bridges configured under <c>Plugins:vector-transports:Bridges</c> for the life of the host.
/// Stopping the host stops them gracefully (pending frames flushed, transports closed). A bridge whose
/// option strings are malformed is reported and skipped; the others run.
/// </summary>
public sealed class BridgeHostedService(
    IOptions<VectorTransportsOptions> options,
    BridgeRegistry registry,
    BridgeMetrics metrics,
    IServiceProvider services,
    ILogger<BridgeHostedService> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = new List<(VectorBridge Bridge, Task Task)>();
        foreach (var definition in options.Value.Bridges.Where(b => b.Enabled))
        {
            VectorBridge bridge;
            try
            {
                bridge = CreateBridge(definition, services, metrics, logger);
                registry.Add(bridge);
            }
            catch (Exception e) when (e is VectorTransportException or InvalidOperationException)
            {
                logger.LogError("Bridge {Bridge} is not started: {Error}", definition.Name, e.Message);
                continue;
            }

            running.Add((bridge, bridge.RunAsync(stoppingToken)));
        }

        if (running.Count == 0)
        {
            return;
        }

        logger.LogInformation("Vector bridges running: {Bridges}.", string.Join(", ", running.Select(r => r.Bridge.Name)));
        var statsFile = options.Value.StatsFile ?? BridgeStatsFile.DefaultPath;
        var all = Task.WhenAll(running.Select(r => r.Task));
        try
        {
            while (!all.IsCompleted)
            {
                WriteStats(statsFile, running.Select(r => r.Bridge));
                await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None));
            }

            await all;
        }
        finally
        {
            WriteStats(statsFile, running.Select(r => r.Bridge));
            foreach (var (bridge, _) in running)
            {
                registry.Remove(bridge);
            }
        }
    }

    private void WriteStats(string path, IEnumerable<VectorBridge> bridges)
    {
        if (path.Length == 0)
        {
            return;
        }

        try
        {
            BridgeStatsFile.Write(path, bridges.Select(b => b.Snapshot()).ToArray());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Framework.Abstractions.Commands.CommandFailedException or Framework.Abstractions.Commands.CommandUsageException)
        {
            logger.LogDebug("Bridge counters not written to {Path}: {Error}", path, e.Message);
        }
    }

    /// <summary>Resolves the packet filter capability each time it is asked (providers come and go).</summary>
    internal static Func<IPacketFilterProvider?> FilterProvider(IServiceProvider services) =>
        () => services.GetService<ICapabilities>()?.Get<IPacketFilterProvider>();

    /// <summary>Builds a bridge wired to the packet filter capability (resolved at use time) and the
    /// metrics; <paramref name="failOnFirstOpen"/> as <see cref="VectorBridge.FailOnFirstOpen"/>.</summary>
    internal static VectorBridge CreateBridge(BridgeDefinition definition, IServiceProvider services, BridgeMetrics? metrics, ILogger logger, bool failOnFirstOpen = false) =>
        new(
            definition,
            logger,
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            FilterProvider(services),
            batchObserver: metrics is null ? null : (side, rx, n) => metrics.RecordBatch(definition.Name, side, rx, n))
        {
            FailOnFirstOpen = failOnFirstOpen,
        };
}
