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
    /// <summary>Brings one plugin to Configured (or Faulted).</summary>
    public void Activate(PluginRuntime runtime) => ActivateAll([runtime]);

    /// <summary>
    /// Brings the plugins to Configured (or Faulted). Loading and <see cref="IPlugin.Configure"/> of
    /// in-process plugins run side by side, since plugins are independent until they start and most
    /// of a load is JIT and type loading (a collectible context gets no ReadyToRun code); what others
    /// can observe (states, load telemetry, published capabilities) is then completed in the order
    /// given, so the first publisher of a capability is the same on every run.
    /// </summary>
    /// <param name="runtimes">The plugins, in the order they complete.</param>
    /// <param name="meanwhile">Work of the caller's that does not need the plugins, run on this
    /// thread while they load instead of waiting idle (a one-shot command builds its console and the
    /// host's own commands).</param>
    public void ActivateAll(IReadOnlyList<PluginRuntime> runtimes, Action? meanwhile = null)
    {
        var pending = new List<PendingLoad>(runtimes.Count);
        foreach (var runtime in runtimes)
        {
            if (Begin(runtime) is { } load)
            {
                pending.Add(load);
            }
        }

        try
        {
            meanwhile?.Invoke();
        }
        finally
        {
            foreach (var load in pending)
            {
                Complete(load);
            }
        }
    }

    // Starts an in-process plugin's load on its own thread; a plugin-host child is activated here
    // and now (it answers over its socket, nothing to overlap).
    private PendingLoad? Begin(PluginRuntime runtime)
    {
        var manifest = runtime.Manifest ?? throw new InvalidOperationException($"plugin {runtime.Id} has no manifest.");
        var outer = Activity.Current;
        var activity = states.StartActivity("plugin.load", runtime);
        states.Set(runtime, PluginState.Loading, null);
        var watch = Stopwatch.StartNew();
        var info = new PluginInfo(manifest.Id, runtime.Version, manifest.ContractVersion.ToNormalizedString(), manifest.Directory);
        runtime.Info = info;
        if (runtime.Isolation is { Isolation: PluginIsolation.Process })
        {
            try
            {
                ActivateInChild(runtime, manifest, info, activity, watch);
            }
            finally
            {
                activity?.Dispose();
            }

            return null;
        }

        // The work runs under this plugin's span; the next plugin's span must not become its child.
        var work = Task.Factory.StartNew(() => LoadAndConfigure(runtime, manifest, info), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Activity.Current = outer;
        return new PendingLoad(runtime, activity, watch, work);
    }

    private void Complete(PendingLoad load)
    {
        var (runtime, activity, watch, work) = load;
        using (activity)
        {
            try
            {
                // Each plugin has the whole configure timeout from its own start.
                var left = timeouts.Configure - watch.Elapsed;
                if (!work.Wait(left > TimeSpan.Zero ? left : TimeSpan.Zero))
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

            foreach (var (type, factory) in runtime.Builder!.Capabilities)
            {
                capabilities.Publish(runtime, type, factory);
            }

            runtime.LoadTime = watch.Elapsed;
            RecordLoadDuration(runtime, watch);
            activity?.SetTag("framework.plugin.load_ms", watch.Elapsed.TotalMilliseconds);
            states.Set(runtime, PluginState.Configured, null);
        }
    }

    private sealed record PendingLoad(PluginRuntime Runtime, Activity? Activity, Stopwatch Watch, Task Work);

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
        RecordLoadDuration(runtime, watch);
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
    }

    // Only while something listens (Instrument.Enabled): without an exporter, recording would compile
    // its generic code at run time for nothing.
    private void RecordLoadDuration(PluginRuntime runtime, Stopwatch watch)
    {
        if (telemetry.LoadDuration.Enabled)
        {
            telemetry.LoadDuration.Record(watch.Elapsed.TotalSeconds, new KeyValuePair<string, object?>(TelemetryNames.PluginId, runtime.Id));
        }
    }
}
