using System.Diagnostics;
using System.Runtime.CompilerServices;
using Framework.Abstractions;
using Framework.Abstractions.Commands;
using Framework.Host.Capabilities;
using Framework.Host.Configuration;
using Framework.Host.Discovery;
using Framework.Host.Loading;
using Framework.Abstractions.Capabilities;
using Framework.Host.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Framework.Host.Lifecycle;

/// <summary>
/// Discovers, loads, configures, starts, stops and unloads plugins. Every call into a plugin runs
/// under a timeout; a plugin that throws or overruns is marked faulted and the others go on.
/// Calls are made from one thread at a time (the CLI or the generic host); state is readable from
/// any thread.
/// </summary>
public sealed class PluginManager : IAsyncDisposable
{
    private readonly PluginHostOptions _options;
    private readonly IConfiguration _configuration;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly HostTelemetry _telemetry;
    private readonly HostLifetime _lifetime;
    private readonly CapabilityRegistry _capabilities = new();
    private readonly List<PluginRuntime> _plugins = [];
    private DateTime? _discoveryStarted;
    private DateTime? _discoveryEnded;

    internal PluginManager(PluginHostOptions options, IConfiguration configuration, ILoggerFactory loggerFactory, HostTelemetry telemetry, HostLifetime lifetime)
    {
        _options = options;
        _configuration = configuration;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("Framework.Host.Plugins");
        _telemetry = telemetry;
        _lifetime = lifetime;
    }

    /// <summary>Raised after a plugin changes state (from any thread).</summary>
    public event Action<PluginRuntime, PluginState>? StateChanged;

    /// <summary>Every discovered plugin folder, in discovery order.</summary>
    public IReadOnlyList<PluginRuntime> Plugins => _plugins;

    /// <summary>Called before checking that an unloaded context was collected, so that telemetry
    /// pipelines drop what they still hold of the plugin's instruments (a metrics collection).</summary>
    public Action? FlushTelemetry { get; set; }

    /// <summary>The folders plugins are discovered in.</summary>
    public IReadOnlyList<string> PluginRoots
    {
        get
        {
            var roots = new List<string>();
            if (_options.LoadBundledPlugins)
            {
                roots.Add(Path.Combine(AppContext.BaseDirectory, "plugins"));
            }

            roots.AddRange(_options.PluginPaths.Where(p => !string.IsNullOrWhiteSpace(p)).Select(Path.GetFullPath));
            return roots;
        }
    }

    internal ICapabilities Capabilities => _capabilities;

    /// <summary>Finds plugin folders and decides which load. Reads manifests and metadata only.</summary>
    public IReadOnlyList<PluginRuntime> Discover()
    {
        _discoveryStarted = DateTime.UtcNow;
        var candidates = PluginDiscovery.Discover(PluginRoots, root => _logger.LogWarning("Plugin folder {Root} does not exist.", root));
        var verdicts = new PluginSelector(_options.Disabled, _options.Pins, PluginAdmission.For(_options.Trust)).Select(candidates);
        foreach (var verdict in verdicts)
        {
            var runtime = new PluginRuntime(verdict);
            _plugins.Add(runtime);
            switch (verdict.Outcome)
            {
                case PluginVerdictOutcome.Refused:
                    _logger.LogError("Plugin {PluginId} at {Folder} refused: {Reason}", runtime.Id, runtime.Folder, verdict.Reason);
                    break;
                case PluginVerdictOutcome.Skipped:
                    _logger.LogInformation("Plugin {PluginId} {Version} at {Folder} skipped: {Reason}", runtime.Id, runtime.Version, runtime.Folder, verdict.Reason);
                    break;
                default:
                    _logger.LogDebug("Plugin {PluginId} {Version} discovered at {Folder}.", runtime.Id, runtime.Version, runtime.Folder);
                    break;
            }

            _telemetry.StateChanges.Add(1, new(TelemetryNames.PluginId, runtime.Id), new(TelemetryNames.PluginState, runtime.State.ToString()));
        }

        _discoveryEnded = DateTime.UtcNow;
        return _plugins;
    }

    /// <summary>Records the <c>plugins.discover</c> span, with its real start and end, once the
    /// tracer exists (it can only listen to plugin sources after discovery named them).</summary>
    public void ReportDiscovery()
    {
        if (_discoveryStarted is not { } started || _discoveryEnded is not { } ended)
        {
            return;
        }

        using var activity = _telemetry.ActivitySource.StartActivity("plugins.discover", ActivityKind.Internal, parentContext: default, startTime: started);
        if (activity is null)
        {
            return;
        }

        activity.SetTag("framework.plugins.found", _plugins.Count);
        activity.SetTag("framework.plugins.selected", _plugins.Count(p => p.State == PluginState.Discovered));
        foreach (var refused in _plugins.Where(p => p.State == PluginState.Refused))
        {
            activity.AddEvent(new ActivityEvent("plugin.refused", tags: new ActivityTagsCollection { [TelemetryNames.PluginId] = refused.Id, ["reason"] = refused.StateReason }));
        }

        activity.SetEndTime(ended);
    }

    /// <summary>Loads and configures every discovered plugin.</summary>
    public void LoadAll()
    {
        foreach (var runtime in _plugins.Where(p => p.State == PluginState.Discovered).ToList())
        {
            Load(runtime);
        }
    }

    /// <summary>Loads one plugin's assembly into its own context and runs its Configure, under the
    /// configure timeout.</summary>
    public void Load(PluginRuntime runtime)
    {
        var manifest = runtime.Manifest ?? throw new InvalidOperationException($"plugin {runtime.Id} has no manifest.");
        using var activity = StartPluginActivity("plugin.load", runtime);
        SetState(runtime, PluginState.Loading, null);
        var watch = Stopwatch.StartNew();
        var info = new PluginInfo(manifest.Id, runtime.Version, manifest.ContractVersion.ToNormalizedString(), manifest.Directory);
        runtime.Info = info;

        var work = Task.Factory.StartNew(() => LoadAndConfigure(runtime, manifest, info), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            if (!work.Wait(_options.Timeouts.Configure))
            {
                Fault(runtime, activity, $"did not finish loading and Configure within {_options.Timeouts.Configure.TotalSeconds:0.###} s (Host:Timeouts:Configure).", null);
                return;
            }
        }
        catch (AggregateException e)
        {
            var inner = e.InnerException ?? e;
            Fault(runtime, activity, $"failed to load: {Describe(inner)}", inner);
            return;
        }

        runtime.LoadTime = watch.Elapsed;
        _telemetry.LoadDuration.Record(watch.Elapsed.TotalSeconds, new KeyValuePair<string, object?>(TelemetryNames.PluginId, runtime.Id));
        activity?.SetTag("framework.plugin.load_ms", watch.Elapsed.TotalMilliseconds);
        SetState(runtime, PluginState.Configured, null);
    }

    private void LoadAndConfigure(PluginRuntime runtime, PluginManifest manifest, PluginInfo info)
    {
        var loaded = PluginAssemblyLoader.Load(manifest);
        runtime.Assembly = loaded;
        var entryType = EntryPointFinder.Find(loaded.EntryAssembly, manifest);
        var plugin = (IPlugin)Activator.CreateInstance(entryType)!;

        var section = _configuration.GetSection($"Plugins:{manifest.Id}");
        var builder = new PluginBuilder(info, section);
        runtime.Builder = builder;
        plugin.Configure(builder);
        builder.Seal();
        loaded.EnsureSharedAssembliesComeFromTheHost();

        var telemetry = new PluginTelemetry(info);
        runtime.Telemetry = telemetry;
        runtime.Services = PluginServices.Build(builder, new PluginLoggerFactory(_loggerFactory, info.Id, info.Version), telemetry, _lifetime, _capabilities);
        foreach (var (type, factory) in builder.Capabilities)
        {
            _capabilities.Publish(runtime, type, factory);
        }
    }

    /// <summary>Starts every configured plugin's hosted services, in discovery order.</summary>
    public async Task StartAllAsync(CancellationToken cancellationToken)
    {
        foreach (var runtime in _plugins.Where(p => p.State == PluginState.Configured).ToList())
        {
            await StartAsync(runtime, cancellationToken);
        }
    }

    /// <summary>Validates a configured plugin's options and starts its hosted services under the start timeout.</summary>
    public async Task StartAsync(PluginRuntime runtime, CancellationToken cancellationToken)
    {
        if (runtime.State != PluginState.Configured || runtime.Services is not { } services)
        {
            return;
        }

        using var activity = StartPluginActivity("plugin.start", runtime);
        SetState(runtime, PluginState.Starting, null);
        try
        {
            PluginServices.ValidateOptions(runtime.Builder!, services);
        }
        catch (OptionsValidationException e)
        {
            Fault(runtime, activity, $"invalid configuration in Plugins:{runtime.Id}: {string.Join("; ", e.Failures)}", e);
            return;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            Fault(runtime, activity, $"invalid configuration in Plugins:{runtime.Id}: {Describe(e)}", e);
            return;
        }

        IHostedService[] hosted;
        try
        {
            hosted = services.GetServices<IHostedService>().ToArray();
        }
        catch (Exception e)
        {
            Fault(runtime, activity, $"could not create its hosted services: {Describe(e)}", e);
            return;
        }

        foreach (var service in hosted)
        {
            var problem = await RunGuardedAsync(token => service.StartAsync(token), _options.Timeouts.Start, "start", "Host:Timeouts:Start", service, cancellationToken);
            if (problem is not null)
            {
                Fault(runtime, activity, problem.Value.Message, problem.Value.Exception);
                await StopServicesAsync(runtime, CancellationToken.None);
                return;
            }

            runtime.StartedServices.Add(service);
        }

        SetState(runtime, PluginState.Running, null);
    }

    /// <summary>Stops every started plugin, in reverse order.</summary>
    public async Task StopAllAsync(CancellationToken cancellationToken)
    {
        foreach (var runtime in _plugins.AsEnumerable().Reverse().ToList())
        {
            await StopAsync(runtime, cancellationToken);
        }
    }

    /// <summary>Stops a plugin's hosted services under the stop timeout and releases its services.</summary>
    public async Task StopAsync(PluginRuntime runtime, CancellationToken cancellationToken)
    {
        if (runtime.State is not (PluginState.Running or PluginState.Degraded or PluginState.Starting or PluginState.Configured or PluginState.Faulted)
            || (runtime.State == PluginState.Faulted && runtime.Services is null))
        {
            return;
        }

        var wasFaulted = runtime.State == PluginState.Faulted;
        using var activity = StartPluginActivity("plugin.stop", runtime);
        if (!wasFaulted)
        {
            SetState(runtime, PluginState.Stopping, null);
        }

        var problem = await StopServicesAsync(runtime, cancellationToken);
        _capabilities.Withdraw(runtime);
        if (runtime.Services is { } services)
        {
            runtime.Services = null;
            var disposal = await RunGuardedAsync(_ => services.DisposeAsync().AsTask(), _options.Timeouts.Stop, "dispose its services", "Host:Timeouts:Stop", services, cancellationToken);
            problem ??= disposal;
        }

        if (problem is not null)
        {
            Fault(runtime, activity, problem.Value.Message, problem.Value.Exception);
        }
        else if (!wasFaulted)
        {
            SetState(runtime, PluginState.Stopped, null);
        }
    }

    private async Task<(string Message, Exception? Exception)?> StopServicesAsync(PluginRuntime runtime, CancellationToken cancellationToken)
    {
        (string, Exception?)? first = null;
        for (var i = runtime.StartedServices.Count - 1; i >= 0; i--)
        {
            var service = runtime.StartedServices[i];
            var problem = await RunGuardedAsync(token => service.StopAsync(token), _options.Timeouts.Stop, "stop", "Host:Timeouts:Stop", service, cancellationToken);
            first ??= problem;
        }

        runtime.StartedServices.Clear();
        return first;
    }

    /// <summary>
    /// Stops the plugin if needed, releases everything the host holds of it, unloads its context and
    /// checks that the context is collected. A context that stays alive is reported with the plugin
    /// id (log, metric, <see cref="PluginRuntime.UnloadLeaked"/>) instead of leaking silently.
    /// </summary>
    /// <returns>True when the context was collected.</returns>
    public async Task<bool> UnloadAsync(PluginRuntime runtime, CancellationToken cancellationToken)
    {
        if (runtime.Assembly is not { } loaded)
        {
            return runtime.ContextReference is null || !runtime.ContextReference.IsAlive;
        }

        runtime.ContextReference = loaded.ContextReference;
        var reference = await ReleaseAsync(runtime, cancellationToken);
        FlushTelemetry?.Invoke();
        var collected = await UnloadVerifier.WaitForCollectionAsync(reference);
        if (!collected)
        {
            runtime.UnloadLeaked = true;
            _telemetry.UnloadLeaks.Add(1, new KeyValuePair<string, object?>(TelemetryNames.PluginId, runtime.Id));
            _logger.LogWarning(
                "Plugin {PluginId} was unloaded but its load context is still alive: something still references its code (a static event, a timer, a thread that did not stop, an object handed to the host). Its memory is not released.",
                runtime.Id);
        }

        return collected;
    }

    private async Task<WeakReference> ReleaseAsync(PluginRuntime runtime, CancellationToken cancellationToken)
    {
        await StopAsync(runtime, cancellationToken);
        _capabilities.Withdraw(runtime);
        var services = runtime.Services;
        runtime.Services = null;
        if (services is not null)
        {
            await services.DisposeAsync();
        }

        using (StartPluginActivity("plugin.unload", runtime))
        {
            runtime.Telemetry?.Dispose();
            runtime.Telemetry = null;
            runtime.Builder = null;
            UnloadContext(runtime);
            SetState(runtime, PluginState.Unloaded, null);
        }

        return runtime.ContextReference!;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UnloadContext(PluginRuntime runtime)
    {
        runtime.Assembly!.Unload();
        runtime.Assembly = null;
    }

    /// <summary>All commands of usable plugins with their owners.</summary>
    public IReadOnlyList<(PluginRuntime Plugin, PluginCommand Command)> Commands =>
        _plugins.Where(p => p.IsUsable && p.Builder is not null)
            .SelectMany(p => p.Builder!.Commands.Select(c => (p, c)))
            .ToList();

    /// <summary>All jobs of usable plugins with their owners.</summary>
    public IReadOnlyList<(PluginRuntime Plugin, PluginJob Job)> Jobs =>
        _plugins.Where(p => p.IsUsable && p.Builder is not null)
            .SelectMany(p => p.Builder!.Jobs.Select(j => (p, j)))
            .ToList();

    internal IReadOnlyList<(string Name, Func<IServiceProvider, Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck> Factory)> HealthChecksOf(PluginRuntime runtime) =>
        runtime.Builder?.HealthChecks ?? [];

    internal IReadOnlyList<Type> CapabilitiesOf(PluginRuntime runtime) => _capabilities.PublishedBy(runtime);

    internal LifecycleTimeouts Timeouts => _options.Timeouts;

    /// <summary>Records a state change decided outside the manager (health).</summary>
    internal void SetState(PluginRuntime runtime, PluginState state, string? reason)
    {
        var previous = runtime.Transition(state, reason);
        if (previous == state)
        {
            return;
        }

        _telemetry.StateChanges.Add(1, new(TelemetryNames.PluginId, runtime.Id), new(TelemetryNames.PluginState, state.ToString()));
        Activity.Current?.AddEvent(new ActivityEvent("plugin.state", tags: new ActivityTagsCollection
        {
            [TelemetryNames.PluginId] = runtime.Id,
            [TelemetryNames.PluginState] = state.ToString(),
            ["framework.plugin.previous_state"] = previous.ToString(),
        }));
        if (state is PluginState.Faulted)
        {
            _logger.LogError("Plugin {PluginId} {Version} is faulted: {Reason}", runtime.Id, runtime.Version, reason);
        }
        else if (state is PluginState.Degraded)
        {
            _logger.LogWarning("Plugin {PluginId} {Version} is degraded: {Reason}", runtime.Id, runtime.Version, reason);
        }
        else
        {
            _logger.LogInformation("Plugin {PluginId} {Version}: {Previous} -> {State}", runtime.Id, runtime.Version, previous, state);
        }

        StateChanged?.Invoke(runtime, previous);
    }

    private void Fault(PluginRuntime runtime, Activity? activity, string reason, Exception? exception)
    {
        activity?.SetStatus(ActivityStatusCode.Error, reason);
        if (exception is not null)
        {
            activity?.AddException(exception);
        }

        _capabilities.Withdraw(runtime);
        SetState(runtime, PluginState.Faulted, reason);
    }

    private Activity? StartPluginActivity(string name, PluginRuntime runtime)
    {
        var activity = _telemetry.ActivitySource.StartActivity($"{name} {runtime.Id}");
        activity?.SetTag(TelemetryNames.PluginId, runtime.Id);
        activity?.SetTag(TelemetryNames.PluginVersion, runtime.Version);
        return activity;
    }

    /// <summary>Runs plugin code under a timeout; returns null on success, or what went wrong.</summary>
    private static async Task<(string Message, Exception? Exception)?> RunGuardedAsync(
        Func<CancellationToken, Task> work, TimeSpan timeout, string verb, string setting, object target, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task task;
        try
        {
            task = Task.Run(() => work(cts.Token), CancellationToken.None);
        }
        catch (Exception e)
        {
            return ($"{target.GetType().Name} failed to {verb}: {Describe(e)}", e);
        }

        try
        {
            await task.WaitAsync(timeout, CancellationToken.None);
            return null;
        }
        catch (TimeoutException)
        {
            await cts.CancelAsync();
            return ($"{target.GetType().Name} did not {verb} within {timeout.TotalSeconds:0.###} s ({setting}).", null);
        }
        catch (Exception e)
        {
            return ($"{target.GetType().Name} failed to {verb}: {Describe(e)}", e);
        }
    }

    internal static string Describe(Exception e) => PluginFailure.Describe(e);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAllAsync(CancellationToken.None);
    }
}
