using Framework.Abstractions;
using Framework.Abstractions.Commands;
using Framework.Host.Discovery;
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
    TelemetryMirror telemetry) : IHostedService, IHealthCheck, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _disposing = new();
    private PluginHostProcess? _child;
    private bool _started;
    private bool _stopping;
    private int _restartsInARow;
    private DateTime _childStartedAt;

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
    /// and work that run them there.</summary>
    public async Task<(IReadOnlyList<PluginCommand> Commands, IReadOnlyList<PluginJob> Jobs)> StartChildAsync(CancellationToken cancellationToken)
    {
        var child = await LaunchAsync(cancellationToken);
        var description = await child.Connection.SendAsync(new PluginRequest(PluginRequest.Operations.Describe), cancellationToken);
        if (description.ExitCode != 0)
        {
            throw new PluginHostUnavailableException($"the plugin-host child could not describe its commands: {description.Error}");
        }

        var commands = CommandDescription.Read(description.Output);
        foreach (var command in commands)
        {
            Proxy(command);
        }

        var jobs = await child.Connection.SendAsync(new PluginRequest(PluginRequest.Operations.Jobs), cancellationToken);
        if (jobs.ExitCode != 0)
        {
            throw new PluginHostUnavailableException($"the plugin-host child could not list its jobs: {jobs.Error}");
        }

        return (commands, JobDescription.Read(jobs.Output).Select(Proxy).ToList());
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await SendOrThrowAsync(new PluginRequest(PluginRequest.Operations.Start), cancellationToken);
        _started = true;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        if (Child is { } child && child.Connection.EndedBecause is null)
        {
            await child.Connection.SendAsync(new PluginRequest(PluginRequest.Operations.Stop), cancellationToken);
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
            var reply = await child.Connection.SendAsync(new PluginRequest(PluginRequest.Operations.Health), deadline.Token);
            return reply.Status switch
            {
                nameof(HealthStatus.Healthy) => HealthCheckResult.Healthy($"pid {child.ProcessId}"),
                nameof(HealthStatus.Degraded) => HealthCheckResult.Degraded(reply.Error),
                _ => HealthCheckResult.Unhealthy(reply.Error),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var reason = $"the plugin-host child (pid {child.ProcessId}) did not answer health within {healthTimeout.TotalSeconds:0.###} s (Host:Timeouts:HealthCheck) and was killed.";
            child.Kill(reason);
            return HealthCheckResult.Unhealthy(reason);
        }
        catch (Parent.PluginHostUnavailableException e)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
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

        _disposing.Dispose();
    }

    private async Task<PluginHostProcess> LaunchAsync(CancellationToken cancellationToken)
    {
        var child = await PluginHostProcess.StartAsync(manifest.Directory, startTimeout, null, cancellationToken, welcome, telemetry.Replay);
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

    private async Task<PluginReply> SendOrThrowAsync(PluginRequest request, CancellationToken cancellationToken)
    {
        var child = Child ?? throw new PluginHostUnavailableException($"plugin '{runtime.Id}' has no running plugin-host child: {runtime.StateReason}");
        var reply = await child.Connection.SendAsync(request, cancellationToken);
        return reply.ExitCode == 0 ? reply : throw new InvalidOperationException($"{request.Operation} failed in the plugin-host child: {reply.Error}");
    }

    private void Proxy(PluginCommand command)
    {
        if (command.Handler is not null)
        {
            var names = command.Arguments.Select(a => a.Name).Concat(command.Options.Select(o => o.Name)).ToList();
            command.Handler = async (context, token) =>
            {
                var values = names.Select(n => (Name: n, Values: context.GetArguments(n))).Where(v => v.Values.Count > 0)
                    .ToDictionary(v => v.Name, v => v.Values, StringComparer.Ordinal);
                PluginReply reply;
                try
                {
                    var child = Child ?? throw new PluginHostUnavailableException($"its plugin-host child is not running: {runtime.StateReason}");
                    reply = await child.Connection.SendAsync(new PluginRequest(PluginRequest.Operations.Command, context.CommandPath, values) { TraceParent = TraceParent() }, token);
                }
                catch (PluginHostUnavailableException e)
                {
                    throw new CommandFailedException($"plugin '{runtime.Id}' could not finish the command: {e.Message}");
                }

                await context.Console.Out.WriteAsync(reply.Output);
                await context.Console.Error.WriteAsync(reply.Error);
                return reply.ExitCode;
            };
        }

        foreach (var sub in command.Subcommands)
        {
            Proxy(sub);
        }
    }

    private PluginJob Proxy(JobDescription job) => new(job.Name, job.Description, async (_, token) =>
    {
        PluginReply reply;
        try
        {
            var child = Child ?? throw new PluginHostUnavailableException($"its plugin-host child is not running: {runtime.StateReason}");
            reply = await child.Connection.SendAsync(new PluginRequest(PluginRequest.Operations.Job) { Job = job.Name, TraceParent = TraceParent() }, token);
        }
        catch (PluginHostUnavailableException e)
        {
            throw new PluginHostUnavailableException($"plugin '{runtime.Id}' could not finish job '{job.Name}': {e.Message}", e);
        }

        token.ThrowIfCancellationRequested();
        if (reply.ExitCode != 0)
        {
            throw new PluginJobFailedException(reply.Status, reply.Error);
        }
    });

    // The host's span around the work (a command's, a job's) becomes the parent of the plugin's spans.
    private static string? TraceParent() => System.Diagnostics.Activity.Current is { IdFormat: System.Diagnostics.ActivityIdFormat.W3C } current ? current.Id : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Plugin {PluginId} runs in plugin-host child pid {ProcessId} with CapEff {Capabilities}.")]
    private static partial void LogChildStarted(ILogger logger, string pluginId, int processId, string capabilities);

    [LoggerMessage(Level = LogLevel.Error, Message = "Plugin {PluginId}: {Reason}")]
    private static partial void LogChildDied(ILogger logger, string pluginId, string reason);
}
