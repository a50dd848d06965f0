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
    MeterProvider? meters)
{
    public async Task<bool> UnloadAsync(PluginRuntime runtime, CancellationToken cancellationToken)
    {
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

    private async Task ReleaseAsync(PluginRuntime runtime, CancellationToken cancellationToken)
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
            UnloadContext(runtime);
            states.Set(runtime, PluginState.Unloaded, null);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UnloadContext(PluginRuntime runtime)
    {
        runtime.Assembly!.Unload();
        runtime.Assembly = null;
    }
}
