using Framework.Host.Lifecycle;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Framework.Host.Health;

/// <summary>One health result per plugin, taken at one moment.</summary>
public sealed record PluginHealthReport(IReadOnlyList<(PluginRuntime Plugin, HealthCheckResult Result)> Entries)
{
    /// <summary>The worst status of all plugins that are meant to run (refused and skipped plugins
    /// are reported but do not make the host unhealthy).</summary>
    public HealthStatus Status =>
        Entries.Where(e => e.Plugin.State is not (PluginState.Refused or PluginState.Skipped))
            .Select(e => e.Result.Status)
            .DefaultIfEmpty(HealthStatus.Healthy)
            .Min();

    /// <summary>Runs every plugin's health check.</summary>
    public static async Task<PluginHealthReport> CollectAsync(PluginManager manager, CancellationToken cancellationToken)
    {
        var entries = new List<(PluginRuntime, HealthCheckResult)>();
        foreach (var plugin in manager.Plugins)
        {
            var result = await new PluginHealthCheck(manager, plugin).CheckHealthAsync(new HealthCheckContext(), cancellationToken);
            entries.Add((plugin, result));
        }

        return new PluginHealthReport(entries);
    }
}
