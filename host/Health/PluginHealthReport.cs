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

    /// <summary>Each plugin's state and its reason when its health was taken: a report printed after
    /// the plugins have stopped (<c>plugins list --start</c>) shows the states they reached.</summary>
    public IReadOnlyDictionary<PluginRuntime, (PluginState State, string? Reason)> States { get; init; } =
        new Dictionary<PluginRuntime, (PluginState State, string? Reason)>();

    /// <summary>The plugin's state and reason when the report was taken (its current one if the
    /// report did not record it).</summary>
    public (PluginState State, string? Reason) StateOf(PluginRuntime plugin) =>
        States.TryGetValue(plugin, out var state) ? state : (plugin.State, plugin.StateReason);

    /// <summary>Runs every plugin's health check.</summary>
    public static async Task<PluginHealthReport> CollectAsync(PluginManager manager, CancellationToken cancellationToken)
    {
        var entries = new List<(PluginRuntime, HealthCheckResult)>();
        var states = new Dictionary<PluginRuntime, (PluginState State, string? Reason)>();
        foreach (var plugin in manager.Plugins)
        {
            var result = await new PluginHealthCheck(manager, plugin).CheckHealthAsync(new HealthCheckContext(), cancellationToken);
            entries.Add((plugin, result));
            states[plugin] = (plugin.State, plugin.StateReason);
        }

        return new PluginHealthReport(entries) { States = states };
    }
}
