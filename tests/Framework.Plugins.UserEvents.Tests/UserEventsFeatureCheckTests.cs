using Framework.Plugins.UserEvents.Kernel;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Framework.Plugins.UserEvents.Tests;

public sealed class UserEventsFeatureCheckTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tracefs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Missing_tracefs_is_degraded_and_names_the_places_looked_in()
    {
        var check = new UserEventsFeatureCheck(new TracefsLocator([Path.Combine(_root, "nope")]));
        var result = await check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("tracefs is not mounted", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tracefs_without_user_events_data_says_CONFIG_USER_EVENTS_is_off()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "available_events"), string.Empty);
        var check = new UserEventsFeatureCheck(new TracefsLocator([_root]));
        var result = await check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("CONFIG_USER_EVENTS is off", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tracefs_with_user_events_data_is_healthy()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "available_events"), string.Empty);
        await File.WriteAllTextAsync(Path.Combine(_root, "user_events_data"), string.Empty);
        var check = new UserEventsFeatureCheck(new TracefsLocator([_root]));
        var result = await check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Contains(Path.Combine(_root, "user_events_data"), result.Description, StringComparison.Ordinal);
    }
}
