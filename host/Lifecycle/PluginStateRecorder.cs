using System.Diagnostics;
using Framework.Host.Capabilities;
using Framework.Host.Telemetry;
using Microsoft.Extensions.Logging;

namespace Framework.Host.Lifecycle;

/// <summary>
/// Records a plugin's state changes where operators see them: the state itself, a log line, the
/// <c>framework.plugin.state.changes</c> counter, a span event on the current span, and the
/// <see cref="StateChanged"/> event. A fault also withdraws the plugin's capabilities. Also starts
/// the per-plugin spans (<c>plugin.load</c>, <c>plugin.start</c>, ...).
/// </summary>
internal sealed class PluginStateRecorder(ILogger logger, HostTelemetry telemetry, CapabilityRegistry capabilities)
{
    /// <summary>Raised after a plugin changes state (from any thread), with the previous state.</summary>
    public event Action<PluginRuntime, PluginState>? StateChanged;

    /// <summary>Counts a state a plugin was discovered in (no transition: it starts there).</summary>
    public void Discovered(PluginRuntime runtime) => CountState(runtime, runtime.State);

    public void Set(PluginRuntime runtime, PluginState state, string? reason)
    {
        var previous = runtime.Transition(state, reason);
        if (previous == state)
        {
            return;
        }

        CountState(runtime, state);
        Activity.Current?.AddEvent(new ActivityEvent("plugin.state", tags: new ActivityTagsCollection
        {
            [TelemetryNames.PluginId] = runtime.Id,
            [TelemetryNames.PluginState] = state.ToString(),
            ["framework.plugin.previous_state"] = previous.ToString(),
        }));
        if (state is PluginState.Faulted)
        {
            logger.LogError("Plugin {PluginId} {Version} is faulted: {Reason}", runtime.Id, runtime.Version, reason);
        }
        else if (state is PluginState.Degraded)
        {
            logger.LogWarning("Plugin {PluginId} {Version} is degraded: {Reason}", runtime.Id, runtime.Version, reason);
        }
        else
        {
            logger.LogInformation("Plugin {PluginId} {Version}: {Previous} -> {State}", runtime.Id, runtime.Version, previous, state);
        }

        StateChanged?.Invoke(runtime, previous);
    }

    public void Fault(PluginRuntime runtime, Activity? activity, string reason, Exception? exception)
    {
        activity?.SetStatus(ActivityStatusCode.Error, reason);
        if (exception is not null)
        {
            activity?.AddException(exception);
        }

        capabilities.Withdraw(runtime);
        Set(runtime, PluginState.Faulted, reason);
    }

    public Activity? StartActivity(string name, PluginRuntime runtime)
    {
        var activity = telemetry.ActivitySource.StartActivity($"{name} {runtime.Id}");
        activity?.SetTag(TelemetryNames.PluginId, runtime.Id);
        activity?.SetTag(TelemetryNames.PluginVersion, runtime.Version);
        return activity;
    }

    // Only while something listens (Instrument.Enabled): a one-shot command without an exporter then
    // neither names the state nor compiles the recording path's generic code at run time.
    private void CountState(PluginRuntime runtime, PluginState state)
    {
        if (telemetry.StateChanges.Enabled)
        {
            telemetry.StateChanges.Add(1, new(TelemetryNames.PluginId, runtime.Id), new(TelemetryNames.PluginState, state.ToString()));
        }
    }
}
