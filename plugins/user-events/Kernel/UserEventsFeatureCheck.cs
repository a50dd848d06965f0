using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Framework.Plugins.UserEvents.Kernel;

/// <summary>Reports whether the running kernel offers user_events (CONFIG_USER_EVENTS) through tracefs.</summary>
public sealed class UserEventsFeatureCheck(TracefsLocator locator) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!OperatingSystem.IsLinux())
        {
            return Task.FromResult(HealthCheckResult.Degraded("user_events is a Linux kernel facility; this is not Linux."));
        }

        var tracefs = locator.FindTracefs();
        if (tracefs is null)
        {
            return Task.FromResult(HealthCheckResult.Degraded(
                "tracefs is not mounted (looked in /sys/kernel/tracing and /sys/kernel/debug/tracing): the kernel backend is unavailable."));
        }

        var data = locator.FindUserEventsData();
        return Task.FromResult(data is null
            ? HealthCheckResult.Degraded($"the running kernel has no user_events ({tracefs}/user_events_data is missing; CONFIG_USER_EVENTS is off): the kernel backend is unavailable.")
            : HealthCheckResult.Healthy($"kernel user_events available at {data}."));
    }
}
