using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Framework.Plugins.HwbpX86.Kernel;

/// <summary>Reports whether x86 hardware breakpoints can be requested here: an x86-64 machine running
/// Linux with perf events. Whether the (virtual) machine then delivers debug-register traps can only
/// be seen by arming one, which the breakpoint backends do.</summary>
public sealed class BreakpointFeatureCheck(string perfEventParanoidPath) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            return Task.FromResult(HealthCheckResult.Degraded(
                $"x86 debug registers need an x86-64 process; this one is {RuntimeInformation.ProcessArchitecture}."));
        }

        if (!OperatingSystem.IsLinux())
        {
            return Task.FromResult(HealthCheckResult.Degraded("the breakpoint backends use Linux perf_event_open and ptrace; this is not Linux."));
        }

        if (!File.Exists(perfEventParanoidPath))
        {
            return Task.FromResult(HealthCheckResult.Degraded(
                $"the kernel has no perf events ({perfEventParanoidPath} is missing): only the ptrace backend can work."));
        }

        var text = File.ReadAllText(perfEventParanoidPath).Trim();
        var level = int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : int.MaxValue;
        return Task.FromResult(HealthCheckResult.Healthy(
            $"perf events present (perf_event_paranoid={text}{(level > 1 ? "; breakpoints on other processes need CAP_PERFMON" : string.Empty)})."));
    }
}
