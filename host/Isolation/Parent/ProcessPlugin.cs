using Framework.Abstractions;
using Framework.Abstractions.Commands;
using Framework.Host.Discovery;
using Framework.Host.Isolation.Capabilities;
using Framework.Host.Isolation.Protocol;
using Framework.Host.Lifecycle;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Framework.Host.Isolation.Parent;

/// <summary>
/// The host's stand-in for a plugin that runs in a child process. The lifecycle treats it like any
/// plugin: its commands (described by the child) run in the child, its hosted service starts and
/// stops the child's services, its health check asks the child and kills a child that does not
/// answer within the health timeout. A child that dies is reported (faulted, with its signal or exit
/// code) and restarted with back-off; requests in flight fail with the reason.
/// </summary>
internal sealed partial class ProcessPlugin(
    PluginRuntime runtime,
    PluginManifest manifest,
    Action<PluginState, string?> setState,
    ILogger logger,
    TimeSpan startTimeout,
    TimeSpan healthTimeout,
    RestartPolicy restarts,
    WelcomeMessage welcome,
    TelemetryMirror telemetry,
    Func<string, IReadOnlyList<(string PluginId, object Capability)>> capabilitiesForChild) : IHostedService, IHealthCheck, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _disposing = new();
    private PluginHostProcess? _child;
    private int _disposed;
    private bool _started;
    private bool _stopping;
    private int _restartsInARow;
    private DateTime _childStartedAt;
    private readonly Dictionary<string, (PluginHostProcess Child, IReadOnlyList<object> Proxies)> _proxies = new(StringComparer.Ordinal);
    private RemotePlugin? _remote;

    // The child's commands, jobs and health over the protocol, sent to whichever child runs now.
    private RemotePlugin Remote => _remote ??= new RemotePlugin(runtime.Id, () =>
        Child?.Connection ?? throw new PluginHostUnavailableException($"its plugin-host child is not running: {runtime.StateReason}"));

    /// <summary>The running child, or null between a crash and its restart.</summary>
    public PluginHostProcess? Child
    {
        get
        {
            lock (_gate)
            {
                return _child;
            }
        }
    }

    /// <summary>How many times the child was restarted after dying.</summary>
    public int Restarts { get; private set; }

    /// <summary>Starts the first child and returns the commands and jobs it describes, with handlers
    /// and work that run them there, and the full names of the capabilities it publishes.</summary>
    public async Task<(IReadOnlyList<PluginCommand> Commands, IReadOnlyList<PluginJob> Jobs, IReadOnlyList<string> Capabilities)> StartChildAsync(CancellationToken cancellationToken)
    {
        await LaunchAsync(cancellationToken);
        var (commands, jobs) = await Remote.DescribeAsync(cancellationToken);
        return (commands, jobs, await Remote.CapabilityNamesAsync(cancellationToken));
    }

    /// <summary>The running child's instances of capability <paramref name="typeName"/>, as proxies
    /// that call into it; none while it restarts. A restarted child's objects are new proxies.</summary>
    public IReadOnlyList<object> CapabilityProxies(string typeName)
    {
        if (Child is not { } child || child.Connection.EndedBecause is not null)
        {
            return [];
        }

        lock (_proxies)
        {
            if (_proxies.TryGetValue(typeName, out var known) && known.Child == child)
            {
                return known.Proxies;
            }
        }

        var proxies = new CapabilityClient(child.Connection).Resolve(typeName).Select(p => p.Capability).ToList();
        lock (_proxies)
        {
            _proxies[typeName] = (child, proxies);
        }

        return proxies;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await SendOrThrowAsync(new PluginRequest(PluginRequest.Operations.Start), cancellationToken);
        _started = true;
    }

    /// <summary>How the last child ended when the host stopped it, or null before.</summary>
    public string? StoppedBecause { get; private set; }

    /// <summary>Stops the plugin's services in the child, which then exits; waits for the exit, so
    /// that the child's memory and socket are gone when stop returns, and reports how it ended.</summary>
    /// <exception cref="InvalidOperationException">The plugin's stop failed in the child; the message is the child's.</exception>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        if (Child is not { } child || child.Connection.EndedBecause is not null)
        {
            return;
        }

        var reply = await child.Connection.SendAsync(new PluginRequest(PluginRequest.Operations.Stop), cancellationToken);
        var exitCode = await child.Exited.WaitAsync(cancellationToken);
        StoppedBecause = $"its plugin-host child (pid {child.ProcessId}) stopped: {ChildExit.Describe(exitCode)}.";
        LogChildStopped(logger, runtime.Id, StoppedBecause);
        if (reply.ExitCode != 0)
        {
            throw new InvalidOperationException($"stop failed in the plugin-host child: {reply.Error}");
        }
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (Child is not { } child || child.Connection.EndedBecause is { } ended)
        {
            return HealthCheckResult.Unhealthy($"the plugin-host child is not running: {Child?.Connection.EndedBecause ?? "restarting"}");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(healthTimeout);
        try
        {
            var (worst, description, _) = await Remote.CheckHealthAsync(deadline.Token);
            return worst switch
            {
                HealthStatus.Healthy => HealthCheckResult.Healthy($"pid {child.ProcessId}"),
                HealthStatus.Degraded => HealthCheckResult.Degraded(description),
                _ => HealthCheckResult.Unhealthy(description),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var reason = $"the plugin-host child (pid {child.ProcessId}) did not answer health within {healthTimeout.TotalSeconds:0.###} s (Host:Timeouts:HealthCheck) and was killed.";
            child.Kill(reason);
            return HealthCheckResult.Unhealthy(reason);
        }
        catch (Exception e) when (e is PluginHostUnavailableException or ProtocolException)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }

    /// <summary>Kills a child still running and releases its connection and socket folder; the
    /// first call wins (the container disposes the stand-in only when it was resolved, so unloading
    /// disposes it too).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping = true;
        await _disposing.CancelAsync();
        PluginHostProcess? child;
        lock (_gate)
        {
            child = _child;
            _child = null;
        }

        if (child is not null)
        {
            await child.DisposeAsync();
        }

        // Spans the child left open (a stop that timed out) end here, saying so.
        telemetry.ChildEnded(StoppedBecause ?? "the host disposed the plugin-host child.");
        _disposing.Dispose();
    }

    private async Task<PluginHostProcess> LaunchAsync(CancellationToken cancellationToken)
    {
        // The child's own requests: the capabilities published in the host and in other children.
        var child = await PluginHostProcess.StartAsync(manifest.Directory, startTimeout, null, cancellationToken, welcome, telemetry.Replay, capabilities: new CapabilityServer(capabilitiesForChild));
        lock (_gate)
        {
            _child = child;
            _childStartedAt = DateTime.UtcNow;
        }

        LogChildStarted(logger, runtime.Id, child.ProcessId, child.Hello.Capabilities.GetValueOrDefault("CapEff") ?? "?");
        child.Connection.Ended += reason => _ = OnEndedAsync(child, reason);
        return child;
    }

    private async Task OnEndedAsync(PluginHostProcess child, string reason)
    {
        if (_stopping || _disposing.IsCancellationRequested)
        {
            return;
        }

        lock (_gate)
        {
            if (_child != child)
            {
                return;
            }

            _child = null;
            if (DateTime.UtcNow - _childStartedAt > restarts.StableAfter)
            {
                _restartsInARow = 0;
            }
        }

        await child.DisposeAsync();
        telemetry.ChildEnded(reason);
        LogChildDied(logger, runtime.Id, reason);
        while (!_stopping && !_disposing.IsCancellationRequested)
        {
            if (++_restartsInARow > restarts.MaxRestarts)
            {
                setState(PluginState.Faulted, $"{reason} Not restarted again: {restarts.MaxRestarts} restarts in a row.");
                return;
            }

            var delay = restarts.DelayBefore(_restartsInARow);
            setState(PluginState.Faulted, $"{reason} Restart {_restartsInARow} of {restarts.MaxRestarts} in {delay.TotalSeconds:0.###} s.");
            try
            {
                await Task.Delay(delay, _disposing.Token);
                await LaunchAsync(_disposing.Token);
                if (_started)
                {
                    await SendOrThrowAsync(new PluginRequest(PluginRequest.Operations.Start), _disposing.Token);
                }

                Restarts++;
                setState(_started ? PluginState.Running : PluginState.Configured, null);
                return;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (PluginHostUnavailableException e)
            {
                reason = e.Message;
                LogChildDied(logger, runtime.Id, reason);
            }
        }
    }

    private Task<PluginReply> SendOrThrowAsync(PluginRequest request, CancellationToken cancellationToken) =>
        Remote.SendOrThrowAsync(request, cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Plugin {PluginId} runs in plugin-host child pid {ProcessId} with CapEff {Capabilities}.")]
    private static partial void LogChildStarted(ILogger logger, string pluginId, int processId, string capabilities);

    [LoggerMessage(Level = LogLevel.Information, Message = "Plugin {PluginId}: {Outcome}")]
    private static partial void LogChildStopped(ILogger logger, string pluginId, string outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "Plugin {PluginId}: {Reason}")]
    private static partial void LogChildDied(ILogger logger, string pluginId, string reason);
}
