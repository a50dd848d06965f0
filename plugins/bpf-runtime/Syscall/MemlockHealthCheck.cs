using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Framework.Plugins.BpfRuntime.Syscall;

/// <summary>Reports the memlock budget of a <see cref="BpfSystem"/>: degraded above 90% use, since
/// the next map or program may then fail with EPERM.</summary>
internal sealed class MemlockHealthCheck(BpfSystem system) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var used = system.MemlockUsed;
        var limit = system.Options.MemlockLimit;
        var text = string.Create(CultureInfo.InvariantCulture, $"memlock {used} of {limit} bytes in use");
        return Task.FromResult(limit > 0 && used > limit * 0.9 ? HealthCheckResult.Degraded(text) : HealthCheckResult.Healthy(text));
    }
}
