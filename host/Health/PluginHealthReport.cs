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

    /// <summary>Runs every plugin's health check, all at once: plugins are independent, and one
    /// slow check (up to Host:Timeouts:HealthCheck) must not hold back the others' results. The
    /// entries keep the plugins' order.</summary>
    public static async Task<PluginHealthReport> CollectAsync(PluginManager manager, CancellationToken cancellationToken)
    {
        var plugins = manager.Plugins.ToList();
        var checks = plugins.Select(plugin => Task.Run(async () =>
        {
            var result = await new PluginHealthCheck(manager, plugin).CheckHealthAsync(new HealthCheckContext(), cancellationToken);
            return (Result: result, State: (plugin.State, plugin.StateReason));
        }, CancellationToken.None)).ToList();
        var results = await Task.WhenAll(checks);

        var entries = new List<(PluginRuntime, HealthCheckResult)>(plugins.Count);
        var states = new Dictionary<PluginRuntime, (PluginState State, string? Reason)>();
        for (var i = 0; i < plugins.Count; i++)
        {
            entries.Add((plugins[i], results[i].Result));
            states[plugins[i]] = results[i].State;
        }

        return new PluginHealthReport(entries) { States = states };
    }
}
