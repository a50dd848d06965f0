using System.Diagnostics;
using Framework.Abstractions;
using Framework.Host.Capabilities;
using Framework.Host.Configuration;
using Framework.Host.Discovery;
using Framework.Host.Loading;
using Framework.Host.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Framework.Host.Lifecycle;

/// <summary>
/// Brings a selected plugin to Configured: loads its entry assembly into its own context, runs its
/// <see cref="IPlugin.Configure"/> under <c>Host:Timeouts:Configure</c>, builds its container and
/// publishes its capabilities. A plugin that throws or overruns is faulted with the reason.
/// Contexts are collectible unless the host runs one command and exits (<c>unloadable</c> false).
/// </summary>
internal sealed class PluginActivator(
    IConfiguration configuration,
    ILoggerFactory loggerFactory,
    HostLifetime lifetime,
    CapabilityRegistry capabilities,
    HostTelemetry telemetry,
    PluginStateRecorder states,
    LifecycleTimeouts timeouts,
    bool unloadable)
{
    public void Activate(PluginRuntime runtime)
    {
        var manifest = runtime.Manifest ?? throw new InvalidOperationException($"plugin {runtime.Id} has no manifest.");
        using var activity = states.StartActivity("plugin.load", runtime);
        states.Set(runtime, PluginState.Loading, null);
        var watch = Stopwatch.StartNew();
        var info = new PluginInfo(manifest.Id, runtime.Version, manifest.ContractVersion.ToNormalizedString(), manifest.Directory);
        runtime.Info = info;
        if (runtime.Isolation is { Isolation: PluginIsolation.Process } isolation)
        {
            // Never run a plugin asked to run confined inside the host instead: that would hand it
            // the host's whole privileges and crash domain without anyone having chosen so.
            states.Fault(runtime, activity, $"runs with isolation '{PluginIsolationNames.Process}' ({isolation.Source}), which this host cannot start yet (the plugin-host child is not built); set {Configuration.PluginHostOptions.Section}:Isolation:{manifest.Id}={PluginIsolationNames.InProcess} to run it inside the host.", null);
            return;
        }


        var work = Task.Factory.StartNew(() => LoadAndConfigure(runtime, manifest, info), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            if (!work.Wait(timeouts.Configure))
            {
                states.Fault(runtime, activity, $"did not finish loading and Configure within {timeouts.Configure.TotalSeconds:0.###} s (Host:Timeouts:Configure).", null);
                return;
            }
        }
        catch (AggregateException e)
        {
            var inner = e.InnerException ?? e;
            states.Fault(runtime, activity, $"failed to load: {PluginFailure.Describe(inner)}", inner);
            return;
        }

        runtime.LoadTime = watch.Elapsed;
        telemetry.LoadDuration.Record(watch.Elapsed.TotalSeconds, new KeyValuePair<string, object?>(TelemetryNames.PluginId, runtime.Id));
        activity?.SetTag("framework.plugin.load_ms", watch.Elapsed.TotalMilliseconds);
        states.Set(runtime, PluginState.Configured, null);
    }

    private void LoadAndConfigure(PluginRuntime runtime, PluginManifest manifest, PluginInfo info)
    {
        var loaded = PluginAssemblyLoader.Load(manifest, unloadable);
        runtime.Assembly = loaded;
        var plugin = (IPlugin)Activator.CreateInstance(EntryPointFinder.Find(loaded.EntryAssembly, manifest))!;

        var builder = new PluginBuilder(info, configuration.GetSection($"Plugins:{manifest.Id}"));
        runtime.Builder = builder;
        plugin.Configure(builder);
        builder.Seal();
        loaded.EnsureSharedAssembliesComeFromTheHost();

        var pluginTelemetry = new PluginTelemetry(info);
        runtime.Telemetry = pluginTelemetry;
        runtime.Services = PluginServices.Build(builder, new PluginLoggerFactory(loggerFactory, info.Id, info.Version), pluginTelemetry, lifetime, capabilities);
        foreach (var (type, factory) in builder.Capabilities)
        {
            capabilities.Publish(runtime, type, factory);
        }
    }
}
