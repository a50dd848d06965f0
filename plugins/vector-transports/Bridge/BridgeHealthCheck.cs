using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Framework.Plugins.VectorTransports.Bridge;

/// <summary>Healthy when every running bridge forwards; degraded, naming them, when some are reopening a
/// transport or waiting for a packet filter provider.</summary>
public sealed class BridgeHealthCheck(BridgeRegistry registry) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var bridges = registry.Snapshots();
        var troubled = bridges.Where(b => b.State is BridgeState.Reopening or BridgeState.WaitingForPacketFilter).ToList();
        if (troubled.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"{bridges.Count} bridge(s) running."));
        }

        var detail = string.Join("; ", troubled.Select(b => b.State == BridgeState.WaitingForPacketFilter
            ? $"{b.Name}: waiting for a packet filter provider"
            : $"{b.Name}: reopening ({b.A.LastError ?? b.B.LastError})"));
        return Task.FromResult(HealthCheckResult.Degraded(detail));
    }
}
