using Framework.Abstractions;
using Framework.Abstractions.Commands;
using Framework.Host.Cli;
using Framework.Host.Discovery;
using Framework.Host.Isolation.Capabilities;
using Framework.Host.Isolation.Parent;
using Framework.Host.Isolation.Protocol;
using Framework.Testing.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Framework.Testing.Isolation;

/// <summary>
/// The plugin in a plugin-host child (<c>framework plugin-host</c>), started, confined to its
/// declared Linux capabilities and driven over the same protocol as by the host: its commands, jobs,
/// health and lifecycle run there; its spans, measurements and logs are replayed here onto the
/// harness's sources and loggers. A child that dies fails what is in flight and every later call
/// with how it died (signal or exit code); the test process lives on.
/// </summary>
internal sealed class OutOfProcessPlugin : IPluginUnderTest
{
    // For start, connection and handshake; a child of a ReadyToRun host starts in well under a second.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly string _pluginId;
    private readonly PluginHostProcess _child;
    private readonly RemotePlugin _remote;
    private readonly ServiceProvider _commandServices = new ServiceCollection().BuildServiceProvider();
    private readonly List<(string PluginId, Type Type, object Capability)> _supplied;
    private bool _stopped;

    private OutOfProcessPlugin(string pluginId, PluginHostProcess child, RemotePlugin remote, IReadOnlyList<PluginCommand> commands, IReadOnlyList<PluginJob> jobs, IReadOnlyList<string> healthChecks, List<(string PluginId, Type Type, object Capability)> supplied)
    {
        _supplied = supplied;
        _pluginId = pluginId;
        _child = child;
        _remote = remote;
        Commands = commands;
        Jobs = jobs;
        HealthChecks = healthChecks;
    }

    public IReadOnlyList<PluginCommand> Commands { get; }

    public IReadOnlyList<PluginJob> Jobs { get; }

    public IReadOnlyList<string> HealthChecks { get; }

    public IServiceProvider CommandServices => _commandServices;

    /// <summary>The child's process id.</summary>
    public int ProcessId => _child.ProcessId;

    /// <summary>Why the child is gone, or null while it serves.</summary>
    public string? EndedBecause => _child.Connection.EndedBecause;

    /// <exception cref="PluginLoadException">No framework executable was found, or the child did not
    /// start, load the plugin or complete the handshake; the message says which.</exception>
    public static async Task<OutOfProcessPlugin> StartAsync(PluginManifest manifest, IConfiguration configuration, ILoggerFactory loggerFactory, HarnessTelemetry telemetry)
    {
        PluginHostExecutable executable;
        try
        {
            executable = PluginHostExecutable.Locate();
        }
        catch (FileNotFoundException e)
        {
            throw new PluginLoadException($"plugin {manifest.Id} cannot run out of process: {e.Message}", e);
        }

        var mirror = new TelemetryMirror(telemetry, loggerFactory);

        // What the test supplies with AddCapability, served to the child as the host serves other plugins' capabilities.
        var supplied = new List<(string PluginId, Type Type, object Capability)>();
        var served = new CapabilityServer(typeName =>
        {
            lock (supplied)
            {
                return supplied.Where(s => s.Type.FullName == typeName).Select(s => (s.PluginId, s.Capability)).ToList();
            }
        });
        PluginHostProcess? child = null;
        try
        {
            child = await PluginHostProcess.StartAsync(manifest.Directory, StartTimeout, null, CancellationToken.None, WelcomeMessage.For(manifest.Id, configuration, LogLevel.Trace), mirror.Replay, executable, served);
            var started = child;
            var remote = new RemotePlugin(manifest.Id, () => started.Connection);
            var (commands, jobs) = await remote.DescribeAsync(CancellationToken.None);
            var checks = await remote.HealthCheckNamesAsync(CancellationToken.None);
            child.Connection.Ended += mirror.ChildEnded;
            return new OutOfProcessPlugin(manifest.Id, child, remote, commands, jobs, checks, supplied);
        }
        catch (Exception e) when (e is PluginHostUnavailableException or ProtocolException)
        {
            if (child is not null)
            {
                await child.DisposeAsync();
            }

            throw new PluginLoadException($"plugin {manifest.Id} failed to start in its plugin-host child ({executable}): {e.Message}", e);
        }
    }

    /// <exception cref="InvalidOperationException">The capability cannot cross a process boundary;
    /// the message names it and both plugins.</exception>
    public void AddCapability(string pluginId, Type type, object capability)
    {
        if (RemoteCapabilities.For(type) is null)
        {
            throw new InvalidOperationException(RemoteCapabilities.Unreachable(type.FullName!, pluginId, $"plugin '{_pluginId}'", $"'{_pluginId}' runs in a plugin-host child"));
        }

        lock (_supplied)
        {
            _supplied.Add((pluginId, type, capability));
        }
    }

    /// <summary>The plugin's capability as a proxy that calls into the child.</summary>
    /// <exception cref="InvalidOperationException">The plugin publishes it but it cannot cross a
    /// process boundary; the message names it and the plugin.</exception>
    public TCapability? GetCapability<TCapability>()
        where TCapability : class
    {
        var typeName = typeof(TCapability).FullName!;
        if (RemoteCapabilities.For(typeName) is null)
        {
            var published = Task.Run(() => _remote.CapabilityNamesAsync(CancellationToken.None)).GetAwaiter().GetResult();
            return published.Contains(typeName)
                ? throw new InvalidOperationException(RemoteCapabilities.Unreachable(typeName, _pluginId, "the test", $"'{_pluginId}' runs in a plugin-host child"))
                : null;
        }

        return new CapabilityClient(_child.Connection).Resolve(typeName) is [var first, ..] ? (TCapability)first.Capability : null;
    }

    public Task StartAsync(CancellationToken cancellationToken) =>
        _remote.SendOrThrowAsync(new PluginRequest(PluginRequest.Operations.Start), cancellationToken);

    /// <summary>As the host's stop does: the child stops the plugin's services and exits.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        var (_, problem) = await _child.StopAsync(StopTimeout).WaitAsync(cancellationToken);
        if (problem is not null)
        {
            throw new InvalidOperationException($"stop failed in the plugin-host child: {problem}");
        }
    }

    public async Task<IReadOnlyDictionary<string, HealthCheckResult>> CheckHealthAsync(CancellationToken cancellationToken) =>
        (await _remote.CheckHealthAsync(cancellationToken)).Checks;

    public async ValueTask DisposeAsync()
    {
        if (!_stopped && _child.Connection.EndedBecause is null)
        {
            _stopped = true;
            await _child.StopAsync(StopTimeout);
        }

        await _child.DisposeAsync();
        await _commandServices.DisposeAsync();
    }
}
