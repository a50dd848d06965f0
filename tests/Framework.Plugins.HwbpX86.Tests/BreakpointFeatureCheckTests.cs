using Framework.Plugins.HwbpX86.Kernel;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Framework.Plugins.HwbpX86.Tests;

public sealed class BreakpointFeatureCheckTests
{
    [Fact]
    public async Task Missing_perf_events_is_degraded_and_names_the_file()
    {
        var check = new BreakpointFeatureCheck("/nonexistent/perf_event_paranoid");
        var result = await check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("/nonexistent/perf_event_paranoid", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Perf_events_present_reports_the_paranoid_level()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "2\n");
            var result = await new BreakpointFeatureCheck(file).CheckHealthAsync(new HealthCheckContext());
            Assert.Equal(HealthStatus.Healthy, result.Status);
            Assert.Contains("perf_event_paranoid=2", result.Description, StringComparison.Ordinal);
            Assert.Contains("CAP_PERFMON", result.Description, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
