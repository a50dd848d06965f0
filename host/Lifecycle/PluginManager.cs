using System.Diagnostics;
using Framework.Abstractions;
using Framework.Abstractions.Capabilities;
using Framework.Abstractions.Commands;
using Framework.Host.Capabilities;
using Framework.Host.Configuration;
using Framework.Host.Discovery;
using Framework.Host.Isolation;
using Framework.Host.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace Framework.Host.Lifecycle;

/// <summary>
/// The host's plugins, and the order things happen to them: discovery and selection (manifests and
/// metadata only), activation (<see cref="PluginActivator"/>), start and stop
/// (<see cref="PluginServiceLifecycle"/>), unload (<see cref="PluginUnloader"/>); state changes go
/// through <see cref="PluginStateRecorder"/>. Calls are made from one thread at a time (the CLI or
/// the generic host); state is readable from any thread.
/// </summary>
public sealed class PluginManager : IAsyncDisposable
{
    private readonly PluginHostOptions _options;
    private readonly ILogger _logger;
    private readonly HostTelemetry _telemetry;
    private readonly CapabilityRegistry _capabilities = new();
    private readonly PluginStateRecorder _states;
    private readonly PluginActivator _activator;
    private readonly PluginServiceLifecycle _lifecycle;
    private readonly PluginUnloader _unloader;
    private readonly List<PluginRuntime> _plugins = [];

    /// <param name="options">The host's options.</param>
    /// <param name="configuration">The configuration plugins read their sections from.</param>
    /// <param name="loggerFactory">Logging for the host and the plugins.</param>
    /// <param name="telemetry">The host's sources and instruments.</param>
    /// <param name="lifetime">The host's lifetime, handed to plugins.</param>
    /// <param name="meters">The meter provider, flushed before an unload is verified.</param>
    /// <param name="unloadable">False when the process runs one command and exits: plugin contexts
    /// are then not collectible, which lets the runtime use their ReadyToRun code, and
    /// <see cref="UnloadAsync"/> refuses.</param>
    internal PluginManager(PluginHostOptions options, IConfiguration configuration, ILoggerFactory loggerFactory, HostTelemetry telemetry, HostLifetime lifetime, MeterProvider? meters = null, bool unloadable = true)
    {
        _options = options;
        _logger = loggerFactory.CreateLogger("Framework.Host.Plugins");
        _telemetry = telemetry;
        _states = new PluginStateRecorder(_logger, telemetry, _capabilities);
        _activator = new PluginActivator(configuration, loggerFactory, lifetime, _capabilities, telemetry, _states, options.Timeouts, unloadable);
        _lifecycle = new PluginServiceLifecycle(options.Timeouts, _capabilities, _states);
        _unloader = new PluginUnloader(_lifecycle, _capabilities, _states, telemetry, _logger, meters, options.Timeouts.Stop);
    }

    /// <summary>Raised after a plugin changes state (from any thread), with the previous state.</summary>
    public event Action<PluginRuntime, PluginState>? StateChanged
    {
        add => _states.StateChanged += value;
        remove => _states.StateChanged -= value;
    }

    /// <summary>Every discovered plugin folder, in discovery order.</summary>
    public IReadOnlyList<PluginRuntime> Plugins => _plugins;

    /// <summary>The bundled plugins: <c>plugins/</c> beside the executable.</summary>
    public static string BundledPluginsFolder => Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>The folders plugins are discovered in.</summary>
    public IReadOnlyList<string> PluginRoots
    {
        get
        {
            var roots = new List<string>();
            if (_options.LoadBundledPlugins)
            {
                roots.Add(BundledPluginsFolder);
            }

            roots.AddRange(_options.PluginPaths.Where(p => !string.IsNullOrWhiteSpace(p)).Select(Path.GetFullPath));
            return roots;
        }
    }

    internal ICapabilities Capabilities => _capabilities;

    internal LifecycleTimeouts Timeouts => _options.Timeouts;

    /// <summary>Finds plugin folders and decides which load, in a <c>plugins.discover</c> span.
    /// Reads manifests and metadata only.</summary>
    /// <param name="verb">For a one-shot command, its verb: only the folders whose manifest lists it
    /// (or lists no verbs, or cannot be read) are admitted; the others are not inspected at all.</param>
    public IReadOnlyList<PluginRuntime> Discover(string? verb = null)
    {
        using var activity = _telemetry.ActivitySource.StartActivity("plugins.discover");
        var candidates = PluginDiscovery.Discover(PluginRoots, root => _logger.LogWarning("Plugin folder {Root} does not exist.", root));
        if (verb is not null)
        {
            candidates = candidates.Where(c => c.Manifest is not { Commands.Count: > 0 } manifest || manifest.Commands.Contains(verb, StringComparer.Ordinal)).ToList();
        }

        var verdicts = new PluginSelector(_options.Disabled, _options.Pins, PluginAdmission.For(_options.Trust)).Select(candidates);
        foreach (var selected in verdicts)
        {
            var verdict = selected;
            IsolationChoice? isolation = null;
            if (verdict.Outcome == PluginVerdictOutcome.Selected)
            {
                isolation = IsolationChoice.Resolve(verdict.Candidate.Manifest!, _options.Isolation, out var problem);
                verdict = problem is null ? verdict : verdict with { Outcome = PluginVerdictOutcome.Refused, Reason = problem };
            }

            var runtime = new PluginRuntime(verdict, isolation);
            _plugins.Add(runtime);
            switch (verdict.Outcome)
            {
                case PluginVerdictOutcome.Refused:
                    _logger.LogError("Plugin {PluginId} at {Folder} refused: {Reason}", runtime.Id, runtime.Folder, verdict.Reason);
                    activity?.AddEvent(new ActivityEvent("plugin.refused", tags: new ActivityTagsCollection { [TelemetryNames.PluginId] = runtime.Id, ["reason"] = verdict.Reason }));
                    break;
                case PluginVerdictOutcome.Skipped:
                    _logger.LogInformation("Plugin {PluginId} {Version} at {Folder} skipped: {Reason}", runtime.Id, runtime.Version, runtime.Folder, verdict.Reason);
                    break;
                default:
                    _logger.LogDebug("Plugin {PluginId} {Version} discovered at {Folder}.", runtime.Id, runtime.Version, runtime.Folder);
                    break;
            }

            _states.Discovered(runtime);
        }

        activity?.SetTag("framework.plugins.found", _plugins.Count);
        activity?.SetTag("framework.plugins.selected", _plugins.Count(p => p.State == PluginState.Discovered));
        return _plugins;
    }

    /// <summary>The selected plugins a one-shot command <paramref name="verb"/> needs: the one whose
    /// manifest lists the verb; when none does, every selected plugin whose manifest lists no verbs
    /// (built before manifests listed them), since only loading tells what those offer.</summary>
    public IReadOnlyList<PluginRuntime> OwnersOf(string verb)
    {
        var selected = _plugins.Where(p => p.State == PluginState.Discovered).ToList();
        var owners = selected.Where(p => p.Manifest!.Commands.Contains(verb, StringComparer.Ordinal)).ToList();
        return owners.Count > 0 ? owners : selected.Where(p => p.Manifest!.Commands.Count == 0).ToList();
    }

    /// <summary>Loads and configures every discovered plugin.</summary>
    /// <param name="meanwhile">Work that does not need the plugins, run on this thread while they load.</param>
    public void LoadAll(Action? meanwhile = null) => Load(_plugins.Where(p => p.State == PluginState.Discovered).ToList(), meanwhile);

    /// <summary>Loads and configures the given discovered plugins side by side; they reach
    /// Configured (and publish their capabilities) in the order given.</summary>
    /// <param name="plugins">The plugins.</param>
    /// <param name="meanwhile">Work that does not need the plugins, run on this thread while they load.</param>
    public void Load(IEnumerable<PluginRuntime> plugins, Action? meanwhile = null) =>
        _activator.ActivateAll(plugins.Where(p => p.State == PluginState.Discovered).ToList(), meanwhile);

    /// <summary>Loads one plugin's assembly into its own context and runs its Configure, under the
    /// configure timeout.</summary>
    public void Load(PluginRuntime runtime) => _activator.Activate(runtime);

    /// <summary>Starts every configured plugin's hosted services, in discovery order.</summary>
    public async Task StartAllAsync(CancellationToken cancellationToken)
    {
        var configured = _plugins.Where(p => p.State == PluginState.Configured).ToList();

        // Binding options is each plugin's own work, mostly reflection the first time, so it runs
        // side by side; the starts (which validate, and fault a plugin whose options are invalid)
        // stay in discovery order, each after its own plugin's binding.
        var bound = configured.Select(runtime => Task.Run(() => _lifecycle.BindOptionsAhead(runtime), CancellationToken.None)).ToList();
        for (var i = 0; i < configured.Count; i++)
        {
            await bound[i];
            await StartAsync(configured[i], cancellationToken);
        }
    }

    /// <summary>Validates a configured plugin's options and starts its hosted services under the start timeout.</summary>
    public Task StartAsync(PluginRuntime runtime, CancellationToken cancellationToken) => _lifecycle.StartAsync(runtime, cancellationToken);

    /// <summary>Stops every started plugin, in reverse order.</summary>
    public async Task StopAllAsync(CancellationToken cancellationToken)
    {
        foreach (var runtime in _plugins.AsEnumerable().Reverse().ToList())
        {
            await StopAsync(runtime, cancellationToken);
        }
    }

    /// <summary>Stops a plugin's hosted services under the stop timeout and releases its services.</summary>
    public Task StopAsync(PluginRuntime runtime, CancellationToken cancellationToken) => _lifecycle.StopAsync(runtime, cancellationToken);

    /// <summary>Stops the plugin if needed, releases everything the host holds of it, unloads its
    /// context and checks that the context is collected; a context that stays alive is reported
    /// with the plugin id. Out of process: stops its plugin-host child (which exits; killed if it
    /// overruns <c>Host:Timeouts:Stop</c>), reports how it ended, and releases the connection.</summary>
    /// <returns>True when the context was collected (out of process: the child is gone).</returns>
    public Task<bool> UnloadAsync(PluginRuntime runtime, CancellationToken cancellationToken) => _unloader.UnloadAsync(runtime, cancellationToken);

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

    /// <summary>Records a state change decided outside the manager (health).</summary>
    internal void SetState(PluginRuntime runtime, PluginState state, string? reason) => _states.Set(runtime, state, reason);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAllAsync(CancellationToken.None);

        // A child whose plugin never started has no started service that stopped it.
        foreach (var runtime in _plugins)
        {
            if (runtime.OutOfProcess is { } child)
            {
                await child.DisposeAsync();
            }
        }
    }
}
