using System.Diagnostics;
using Framework.Abstractions;
using Framework.Host.Capabilities;
using Framework.Host.Configuration;
using Framework.Host.Discovery;
using Framework.Host.Isolation.Parent;
using Framework.Host.Isolation.Protocol;
using Framework.Host.Loading;
using Framework.Host.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
        if (runtime.Isolation is { Isolation: PluginIsolation.Process })
        {
            ActivateInChild(runtime, manifest, info, activity, watch);
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

    // The plugin's code runs in a plugin-host child; here the host keeps a stand-in with the same
    // builder, commands, health check and hosted service as an in-process plugin.
    private void ActivateInChild(PluginRuntime runtime, PluginManifest manifest, PluginInfo info, Activity? activity, Stopwatch watch)
    {
        var pluginTelemetry = new PluginTelemetry(info);
        var pluginLogging = new PluginLoggerFactory(loggerFactory, info.Id, info.Version);
        var proxy = new ProcessPlugin(
            runtime,
            manifest,
            (state, reason) => states.Set(runtime, state, reason),
            loggerFactory.CreateLogger("Framework.Host.Isolation"),
            timeouts.Configure,
            timeouts.HealthCheck,
            new RestartPolicy(),
            WelcomeMessage.For(manifest.Id, configuration),
            new TelemetryMirror(pluginTelemetry, pluginLogging),
            typeName => capabilities.Resolve(typeName, runtime));
        IReadOnlyList<Framework.Abstractions.Commands.PluginCommand> commands;
        IReadOnlyList<PluginJob> jobs;
        IReadOnlyList<string> published;
        try
        {
            (commands, jobs, published) = proxy.StartChildAsync(CancellationToken.None).WaitAsync(timeouts.Configure).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is PluginHostUnavailableException or Isolation.Protocol.ProtocolException or TimeoutException)
        {
            proxy.DisposeAsync().AsTask().GetAwaiter().GetResult();
            pluginTelemetry.Dispose();
            states.Fault(runtime, activity, $"could not start in its plugin-host child: {e.Message}", e);
            return;
        }

        var builder = new PluginBuilder(info, configuration.GetSection($"Plugins:{manifest.Id}"));
        foreach (var command in commands)
        {
            builder.AddCommand(command);
        }

        foreach (var job in jobs)
        {
            builder.AddJob(job);
        }

        builder.AddHealthCheck("plugin-host", _ => proxy);
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(_ => proxy);
        builder.Seal();
        runtime.Builder = builder;
        runtime.Telemetry = pluginTelemetry;
        runtime.OutOfProcess = proxy;
        runtime.Services = PluginServices.Build(builder, pluginLogging, pluginTelemetry, lifetime, capabilities.For(runtime));
        foreach (var typeName in published)
        {
            capabilities.PublishFromChild(runtime, typeName, () => proxy.CapabilityProxies(typeName));
        }

        runtime.LoadTime = watch.Elapsed;
        telemetry.LoadDuration.Record(watch.Elapsed.TotalSeconds, new KeyValuePair<string, object?>(TelemetryNames.PluginId, runtime.Id));
        activity?.SetTag("framework.plugin.isolation", PluginIsolationNames.Process);
        activity?.SetTag("framework.plugin.process.pid", proxy.Child?.ProcessId);
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
        runtime.Services = PluginServices.Build(builder, new PluginLoggerFactory(loggerFactory, info.Id, info.Version), pluginTelemetry, lifetime, capabilities.For(runtime));
        foreach (var (type, factory) in builder.Capabilities)
        {
            capabilities.Publish(runtime, type, factory);
        }
    }
}
