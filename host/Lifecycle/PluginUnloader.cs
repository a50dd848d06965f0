using System.Runtime.CompilerServices;
using Framework.Host.Capabilities;
using Framework.Host.Loading;
using Framework.Host.Telemetry;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace Framework.Host.Lifecycle;

/// <summary>
/// Unloads a plugin: stops it, releases everything the host holds of it (container, capabilities,
/// telemetry sources, builder), asks McMaster's loader to unload its context, and then verifies with
/// <see cref="UnloadVerifier"/> that the context is collected. A context that stays alive is
/// reported by plugin id (log, <c>framework.plugin.unload.leaks</c>, <see cref="PluginRuntime.UnloadLeaked"/>).
/// </summary>
/// <param name="meters">Collected once before verifying: the metrics SDK drops a completed
/// instrument (and the plugin callbacks an observable one holds) only at its next collection.</param>
internal sealed class PluginUnloader(
    PluginServiceLifecycle lifecycle,
    CapabilityRegistry capabilities,
    PluginStateRecorder states,
    HostTelemetry telemetry,
    ILogger logger,
    MeterProvider? meters,
    TimeSpan stopTimeout)
{
    public async Task<bool> UnloadAsync(PluginRuntime runtime, CancellationToken cancellationToken)
    {
        if (runtime.OutOfProcess is { } child)
        {
            return await UnloadChildAsync(runtime, child, cancellationToken);
        }

        if (runtime.Assembly is not { } loaded)
        {
            return runtime.ContextReference is null || !runtime.ContextReference.IsAlive;
        }

        if (!loaded.IsUnloadable)
        {
            throw new InvalidOperationException($"plugin {runtime.Id} was loaded for one command, in a context that cannot be unloaded.");
        }

        runtime.ContextReference = loaded.ContextReference;
        await ReleaseAsync(runtime, cancellationToken);
        meters?.ForceFlush();
        var collected = await UnloadVerifier.WaitForCollectionAsync(runtime.ContextReference);
        if (!collected)
        {
            runtime.UnloadLeaked = true;
            telemetry.UnloadLeaks.Add(1, new KeyValuePair<string, object?>(TelemetryNames.PluginId, runtime.Id));
            logger.LogWarning(
                "Plugin {PluginId} was unloaded but its load context is still alive: something still references its code (a static event, a timer, a thread that did not stop, an object handed to the host). Its memory is not released.",
                runtime.Id);
        }

        return collected;
    }

    // Out of process there is no context to collect: the plugin's code and memory are its child's.
    // Stopping waits for the child to exit (killed if it overruns Host:Timeouts:Stop), and releasing
    // the stand-in's container disposes the connection and the socket folder.
    private async Task<bool> UnloadChildAsync(PluginRuntime runtime, Isolation.Parent.ProcessPlugin child, CancellationToken cancellationToken)
    {
        if (runtime.State == PluginState.Unloaded)
        {
            return true;
        }

        if (!runtime.StartedServices.Contains(child))
        {
            // Configured but never started (or already stopped): no started service stops it, so
            // the child is asked here, to exit on its own rather than be killed with the container.
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(stopTimeout);
            try
            {
                await child.StopAsync(deadline.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or Isolation.Parent.PluginHostUnavailableException)
            {
                logger.LogWarning("Plugin {PluginId}: its plugin-host child did not stop cleanly ({Reason}); it is killed.", runtime.Id, e.Message);
            }
        }

        var last = child.Child;
        await ReleaseAsync(runtime, cancellationToken, child);
        await child.DisposeAsync();
        runtime.OutOfProcess = null;
        var gone = last is null || last.Exited.IsCompleted;
        if (!gone)
        {
            logger.LogWarning("Plugin {PluginId} was unloaded but its plugin-host child (pid {ProcessId}) is still running.", runtime.Id, last!.ProcessId);
        }

        return gone;
    }

    private async Task ReleaseAsync(PluginRuntime runtime, CancellationToken cancellationToken, Isolation.Parent.ProcessPlugin? child = null)
    {
        await lifecycle.StopAsync(runtime, cancellationToken);
        capabilities.Withdraw(runtime);
        var services = runtime.Services;
        runtime.Services = null;
        if (services is not null)
        {
            await services.DisposeAsync();
        }

        using (states.StartActivity("plugin.unload", runtime))
        {
            runtime.Telemetry?.Dispose();
            runtime.Telemetry = null;
            runtime.Builder = null;
            if (child is null)
            {
                UnloadContext(runtime);
            }

            states.Set(runtime, PluginState.Unloaded, child?.StoppedBecause);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UnloadContext(PluginRuntime runtime)
    {
        runtime.Assembly!.Unload();
        runtime.Assembly = null;
    }
}
