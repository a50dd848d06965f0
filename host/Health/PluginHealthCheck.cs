using Framework.Host.Lifecycle;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Framework.Host.Health;

/// <summary>
/// A plugin's health as one <see cref="IHealthCheck"/>: its lifecycle state, combined with the
/// plugin's own checks (each run under the health-check timeout; a check that throws or overruns
/// counts as unhealthy). Faulted and refused plugins are unhealthy; skipped, stopped and unloaded
/// ones are healthy with their state in the description.
/// </summary>
public sealed class PluginHealthCheck(PluginManager manager, PluginRuntime plugin) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["state"] = plugin.State.ToString(),
            ["version"] = plugin.Version,
        };
        switch (plugin.State)
        {
            case PluginState.Faulted:
            case PluginState.Refused:
                return HealthCheckResult.Unhealthy($"{plugin.State.ToString().ToLowerInvariant()}: {plugin.StateReason}", data: data);
            case PluginState.Stopped or PluginState.Unloaded when plugin.WorstRunningHealth is { } ran:
                return new HealthCheckResult(ran.Status, $"{plugin.State.ToString().ToLowerInvariant()}; while running {ran.Status.ToString().ToLowerInvariant()}: {ran.Description}", data: data);
            case PluginState.Skipped:
            case PluginState.Stopped:
            case PluginState.Unloaded:
            case PluginState.Discovered:
                return HealthCheckResult.Healthy(plugin.StateReason is null ? plugin.State.ToString().ToLowerInvariant() : $"{plugin.State.ToString().ToLowerInvariant()}: {plugin.StateReason}", data);
            case PluginState.Loading:
            case PluginState.Starting:
            case PluginState.Stopping:
                return HealthCheckResult.Degraded($"{plugin.State.ToString().ToLowerInvariant()}", data: data);
        }

        if (plugin.Services is not { } services)
        {
            return HealthCheckResult.Healthy(plugin.State.ToString().ToLowerInvariant(), data);
        }

        var worst = HealthStatus.Healthy;
        var notes = new List<string>();
        foreach (var (name, factory) in manager.HealthChecksOf(plugin))
        {
            var (status, description) = await RunOneAsync(name, factory, services, manager.Timeouts.HealthCheck, cancellationToken);
            data[$"check:{name}"] = $"{status}: {description}";
            if (status < worst)
            {
                worst = status;
            }

            if (status != HealthStatus.Healthy)
            {
                notes.Add($"{name}: {description}");
            }
        }

        var summary = notes.Count == 0 ? plugin.State.ToString().ToLowerInvariant() : string.Join("; ", notes);
        if (plugin.State is PluginState.Running or PluginState.Degraded)
        {
            plugin.NoteRunningHealth(worst, summary);
            var next = worst == HealthStatus.Healthy ? PluginState.Running : PluginState.Degraded;
            if (next != plugin.State)
            {
                manager.SetState(plugin, next, next == PluginState.Degraded ? summary : null);
            }
        }

        return new HealthCheckResult(worst, summary, data: data);
    }

    private static async Task<(HealthStatus Status, string Description)> RunOneAsync(
        string name, Func<IServiceProvider, IHealthCheck> factory, IServiceProvider services, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            var check = factory(services);
            var registration = new HealthCheckRegistration(name, check, HealthStatus.Unhealthy, tags: null, timeout);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            var result = await Task.Run(() => check.CheckHealthAsync(new HealthCheckContext { Registration = registration }, cts.Token), CancellationToken.None)
                .WaitAsync(timeout, cancellationToken);
            return (result.Status, result.Description ?? result.Status.ToString().ToLowerInvariant());
        }
        catch (TimeoutException)
        {
            return (HealthStatus.Unhealthy, $"did not answer within {timeout.TotalSeconds:0.###} s (Host:Timeouts:HealthCheck).");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return (HealthStatus.Unhealthy, $"threw {e.GetType().Name}: {e.Message}");
        }
    }
}
