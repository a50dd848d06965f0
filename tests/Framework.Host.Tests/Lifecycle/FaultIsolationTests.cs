using Framework.Host.Health;
using Framework.Host.Lifecycle;
using Framework.Host.Tests.Infrastructure;
using Framework.Tests.Shared;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Framework.Host.Tests.Lifecycle;

public sealed class FaultIsolationTests : IDisposable
{
    private readonly PluginSandbox _sandbox = new();

    public FaultIsolationTests()
    {
        _sandbox.Add("sample");
        _sandbox.Add("misbehaving");
    }

    public void Dispose() => _sandbox.Dispose();

    private static Dictionary<string, string?> Fault(string kind) => new() { ["Plugins:misbehaving:Fault"] = kind };

    [Fact]
    public async Task A_plugin_that_throws_in_configure_is_faulted_and_the_others_load()
    {
        await using var host = TestHost.Create(_sandbox, Fault("configure-throw"));
        host.Manager.Discover();
        host.Manager.LoadAll();

        Assert.Equal(PluginState.Faulted, host.Plugin("misbehaving").State);
        Assert.Equal("failed to load: InvalidOperationException: misbehaving throws in Configure", host.Plugin("misbehaving").StateReason);
        Assert.Equal(PluginState.Configured, host.Plugin("sample").State);
        Assert.True(host.Logs.Contains(LogLevel.Error, "Plugin misbehaving 1.0.0 is faulted: failed to load"));
    }

    [Fact]
    public async Task A_plugin_that_hangs_in_configure_is_faulted_after_the_timeout()
    {
        await using var host = TestHost.Create(_sandbox, Fault("configure-hang"));
        host.Manager.Discover();
        host.Manager.LoadAll();

        Assert.Equal(PluginState.Faulted, host.Plugin("misbehaving").State);
        Assert.Equal("did not finish loading and Configure within 2 s (Host:Timeouts:Configure).", host.Plugin("misbehaving").StateReason);
        Assert.Equal(PluginState.Configured, host.Plugin("sample").State);
    }

    [Fact]
    public async Task A_plugin_that_throws_in_start_is_faulted_and_the_others_run()
    {
        await using var host = TestHost.Create(_sandbox, Fault("start-throw"));
        host.Manager.Discover();
        host.Manager.LoadAll();
        await host.Manager.StartAllAsync(CancellationToken.None);

        Assert.Equal(PluginState.Faulted, host.Plugin("misbehaving").State);
        Assert.Equal("MisbehavingService failed to start: InvalidOperationException: misbehaving throws in start", host.Plugin("misbehaving").StateReason);
        Assert.Equal(PluginState.Running, host.Plugin("sample").State);

        var report = await PluginHealthReport.CollectAsync(host.Manager, CancellationToken.None);
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        var entry = report.Entries.Single(e => e.Plugin.Id == "misbehaving").Result;
        Assert.Equal("faulted: MisbehavingService failed to start: InvalidOperationException: misbehaving throws in start", entry.Description);
    }

    [Fact]
    public async Task A_plugin_that_hangs_in_start_is_faulted_after_the_timeout()
    {
        await using var host = TestHost.Create(_sandbox, Fault("start-hang"));
        host.Manager.Discover();
        host.Manager.LoadAll();
        await host.Manager.StartAllAsync(CancellationToken.None);

        Assert.Equal(PluginState.Faulted, host.Plugin("misbehaving").State);
        Assert.Equal("MisbehavingService did not start within 2 s (Host:Timeouts:Start).", host.Plugin("misbehaving").StateReason);
        Assert.Equal(PluginState.Running, host.Plugin("sample").State);
    }

    [Fact]
    public async Task A_plugin_that_hangs_in_stop_is_faulted_and_the_others_stop()
    {
        await using var host = TestHost.Create(_sandbox, Fault("stop-hang"));
        host.Manager.Discover();
        host.Manager.LoadAll();
        await host.Manager.StartAllAsync(CancellationToken.None);
        await host.Manager.StopAllAsync(CancellationToken.None);

        Assert.Equal(PluginState.Faulted, host.Plugin("misbehaving").State);
        Assert.Equal("MisbehavingService did not stop within 1 s (Host:Timeouts:Stop).", host.Plugin("misbehaving").StateReason);
        Assert.Equal(PluginState.Stopped, host.Plugin("sample").State);
    }

    [Fact]
    public async Task A_plugin_that_throws_in_stop_is_faulted()
    {
        await using var host = TestHost.Create(_sandbox, Fault("stop-throw"));
        host.Manager.Discover();
        host.Manager.LoadAll();
        await host.Manager.StartAllAsync(CancellationToken.None);
        await host.Manager.StopAllAsync(CancellationToken.None);

        Assert.Equal(PluginState.Faulted, host.Plugin("misbehaving").State);
        Assert.Equal("MisbehavingService failed to stop: InvalidOperationException: misbehaving throws in stop", host.Plugin("misbehaving").StateReason);
        Assert.Equal(PluginState.Stopped, host.Plugin("sample").State);
    }

    [Fact]
    public async Task Invalid_plugin_options_fault_the_plugin_at_start_naming_the_section()
    {
        await using var host = TestHost.Create(_sandbox, new Dictionary<string, string?> { ["Plugins:sample:Items"] = "5000" });
        host.Manager.Discover();
        host.Manager.LoadAll();
        await host.Manager.StartAllAsync(CancellationToken.None);

        Assert.Equal(PluginState.Faulted, host.Plugin("sample").State);
        Assert.Equal("invalid configuration in Plugins:sample: Plugins:sample:Items: The field Items must be between 0 and 1000.", host.Plugin("sample").StateReason);
    }

    [Fact]
    public async Task A_running_plugin_reports_its_own_health_checks()
    {
        await using var host = TestHost.Create(_sandbox);
        host.Manager.Discover();
        host.Manager.LoadAll();
        await host.Manager.StartAllAsync(CancellationToken.None);

        var result = await new PluginHealthCheck(host.Manager, host.Plugin("sample")).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("Healthy: sample is fine", result.Data["check:sample"]);
    }
}
