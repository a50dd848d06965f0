using System.Diagnostics;
using Framework.Host.Telemetry;
using Microsoft.Extensions.Logging;

namespace Framework.Host.Lifecycle;

/// <summary>Runs every usable plugin's jobs once, each in its own span; plugins in parallel, a
/// plugin's jobs in the order it added them. A job that throws is logged and counted as failed; it
/// does not fault its plugin.</summary>
internal sealed class JobRunner(PluginManager manager, HostTelemetry telemetry, ILogger logger)
{
    /// <summary>The number of jobs that failed.</summary>
    public async Task<int> RunAllAsync(CancellationToken cancellationToken)
    {
        var byPlugin = manager.Jobs.GroupBy(j => j.Plugin).ToList();
        var failures = await Task.WhenAll(byPlugin.Select(group => Task.Run(async () =>
        {
            var failed = 0;
            foreach (var (plugin, job) in group)
            {
                if (cancellationToken.IsCancellationRequested || !plugin.IsUsable || plugin.Services is not { } services)
                {
                    break;
                }

                using var activity = telemetry.ActivitySource.StartActivity($"job {plugin.Id}/{job.Name}");
                activity?.SetTag(TelemetryNames.PluginId, plugin.Id);
                activity?.SetTag(TelemetryNames.PluginVersion, plugin.Version);
                activity?.SetTag("framework.job.name", job.Name);
                var watch = Stopwatch.StartNew();
                string outcome;
                try
                {
                    logger.LogInformation("Job {PluginId}/{Job} started: {Description}", plugin.Id, job.Name, job.Description);
                    await job.Run(services, cancellationToken);
                    outcome = "succeeded";
                    logger.LogInformation("Job {PluginId}/{Job} succeeded in {Milliseconds:0} ms.", plugin.Id, job.Name, watch.Elapsed.TotalMilliseconds);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    outcome = "cancelled";
                    logger.LogWarning("Job {PluginId}/{Job} was cancelled by shutdown.", plugin.Id, job.Name);
                }
                catch (Exception e)
                {
                    outcome = "failed";
                    failed++;
                    activity?.SetStatus(ActivityStatusCode.Error, e.Message);
                    activity?.AddException(e);
                    logger.LogError(e, "Job {PluginId}/{Job} failed: {Message}", plugin.Id, job.Name, e.Message);
                }

                telemetry.JobRuns.Add(1, new(TelemetryNames.PluginId, plugin.Id), new("framework.job.name", job.Name), new("framework.job.outcome", outcome));
            }

            return failed;
        }, CancellationToken.None)));
        return failures.Sum();
    }
}
