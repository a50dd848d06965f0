using Framework.Host.Health;
using Framework.Host.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Framework.Host.Lifecycle;

/// <summary>
/// The plugins inside the generic host of <c>framework run</c>: starts them, runs their jobs, watches
/// their health, and stops them on shutdown (Ctrl+C, SIGTERM, or when the jobs are done and that was
/// asked for).
/// </summary>
internal sealed class PluginsHostedService(
    PluginManager manager,
    HostLifetime pluginLifetime,
    IHostApplicationLifetime applicationLifetime,
    HostTelemetry telemetry,
    ILogger<PluginsHostedService> logger,
    ILoggerFactory loggerFactory,
    RunSettings settings) : IHostedService
{
    /// <summary>The log category of job outcomes: shown on the console of <c>framework run</c>
    /// without <c>--verbose</c>, unlike the rest of its informational logs.</summary>
    public const string JobsCategory = "Framework.Host.Jobs";

    private readonly ILogger _jobLogger = loggerFactory.CreateLogger(JobsCategory);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _jobs;
    private Task? _healthLoop;

    /// <summary>How many jobs failed; known once the jobs have finished.</summary>
    public int FailedJobs { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        pluginLifetime.OnStopRequested(applicationLifetime.StopApplication);
        await manager.StartAllAsync(cancellationToken);
        pluginLifetime.NotifyStarted();
        var report = await PluginHealthReport.CollectAsync(manager, cancellationToken);
        settings.ReportHealth(report, "started");
        logger.LogInformation("{Count} plugin(s) started.", manager.Plugins.Count(p => p.State is PluginState.Running or PluginState.Degraded));

        if (settings.StopAfterStart)
        {
            logger.LogInformation("Every plugin has started; stopping as asked (--stop-after-start).");
            applicationLifetime.StopApplication();
            return;
        }

        _jobs = Task.Run(async () =>
        {
            FailedJobs = await new JobRunner(manager, telemetry, _jobLogger).RunAllAsync(_stopping.Token);
            if (settings.UntilJobsDone && !_stopping.IsCancellationRequested)
            {
                _jobLogger.LogInformation("All jobs finished ({Failed} failed); stopping as asked (--until-jobs-done).", FailedJobs);
                applicationLifetime.StopApplication();
            }
        }, CancellationToken.None);
        _healthLoop = Task.Run(() => WatchHealthAsync(_stopping.Token), CancellationToken.None);
    }

    private async Task WatchHealthAsync(CancellationToken cancellationToken)
    {
        var last = new Dictionary<PluginRuntime, HealthStatus>();
        try
        {
            using var timer = new PeriodicTimer(settings.HealthInterval);
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var report = await PluginHealthReport.CollectAsync(manager, cancellationToken);
                foreach (var (plugin, result) in report.Entries)
                {
                    if (last.TryGetValue(plugin, out var previous) && previous != result.Status)
                    {
                        logger.LogWarning("Plugin {PluginId} health changed from {Previous} to {Status}: {Description}", plugin.Id, previous, result.Status, result.Description);
                    }

                    last[plugin] = result.Status;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        pluginLifetime.NotifyStopping();
        await _stopping.CancelAsync();
        foreach (var task in new[] { _jobs, _healthLoop })
        {
            if (task is not null)
            {
                await task.WaitAsync(manager.Timeouts.Stop, CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        await manager.StopAllAsync(cancellationToken);
        var report = await PluginHealthReport.CollectAsync(manager, CancellationToken.None);
        settings.ReportHealth(report, "stopped");
        pluginLifetime.NotifyStopped();
        _stopping.Dispose();
    }
}
