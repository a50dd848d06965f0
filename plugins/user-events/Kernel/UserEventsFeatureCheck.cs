using Framework.Plugins.UserEvents.Backends;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Framework.Plugins.UserEvents.Kernel;

/// <summary>
/// Reports the active backend and why: healthy with the kernel's user_events, or with the
/// in-process backend when the kernel has none and configuration allows it (the description says
/// what the kernel lacks); unhealthy when the configured backend cannot be had.
/// </summary>
public sealed class UserEventsFeatureCheck(Func<IUserEventsBackend> backend) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var active = backend();
            return Task.FromResult(HealthCheckResult.Healthy($"{active.Name} backend: {active.Reason}."));
        }
        catch (UserEventsException e)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(e.Message));
        }
    }
}
