using Framework.Abstractions;
using Framework.Abstractions.Capabilities;
using Framework.Host.Lifecycle;
using Framework.Host.Tests.Infrastructure;
using Framework.Tests.Shared;

namespace Framework.Host.Tests.Loading;

public sealed class IsolationTests : IDisposable
{
    private readonly PluginSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Two_plugins_each_see_their_own_version_of_one_library()
    {
        _sandbox.Add("lib-user-a");
        _sandbox.Add("lib-user-b");
        await using var host = TestHost.Create(_sandbox);
        host.Manager.Discover();
        host.Manager.LoadAll();

        var a = await CommandRunner.RunAsync(host.Manager, "lib-a version");
        var b = await CommandRunner.RunAsync(host.Manager, "lib-b version");

        Assert.Equal("lib-user-a sees Framework.TestLib 1.0.0.0 flavour-1", a.Output.Trim());
        Assert.Equal("lib-user-b sees Framework.TestLib 2.0.0.0 flavour-2", b.Output.Trim());
        Assert.Contains(host.Plugin("lib-user-a").LoadedAssemblies, n => n.StartsWith("Framework.TestLib, Version=1.0.0.0", StringComparison.Ordinal));
        Assert.Contains(host.Plugin("lib-user-b").LoadedAssemblies, n => n.StartsWith("Framework.TestLib, Version=2.0.0.0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_contract_is_shared_with_the_host_so_types_unify()
    {
        _sandbox.Add("sample");
        await using var host = TestHost.Create(_sandbox);
        host.Manager.Discover();
        host.Manager.LoadAll();

        var sample = host.Plugin("sample");
        Assert.Equal(PluginState.Configured, sample.State);
        Assert.DoesNotContain(sample.LoadedAssemblies, n => n.StartsWith("Framework.Abstractions", StringComparison.Ordinal));
        Assert.IsAssignableFrom<IPluginTelemetry>(sample.Services!.GetService(typeof(IPluginTelemetry)));
    }

    [Fact]
    public async Task A_plugin_sees_its_own_services_and_the_allow_list_never_the_host_container()
    {
        _sandbox.Add("sample");
        await using var host = TestHost.Create(_sandbox);
        host.Manager.Discover();
        host.Manager.LoadAll();

        var services = host.Plugin("sample").Services!;
        Assert.Null(services.GetService(typeof(PluginManager)));
        Assert.Null(services.GetService(typeof(Framework.Host.Telemetry.HostTelemetry)));
        Assert.NotNull(services.GetService(typeof(Microsoft.Extensions.Logging.ILoggerFactory)));
        Assert.NotNull(services.GetService(typeof(PluginInfo)));
        Assert.NotNull(services.GetService(typeof(ICapabilities)));
        Assert.NotNull(services.GetService(typeof(Microsoft.Extensions.Hosting.IHostApplicationLifetime)));
        Assert.Equal("sample", ((PluginInfo)services.GetService(typeof(PluginInfo))!).Id);
    }

    [Fact]
    public async Task A_capability_published_by_one_plugin_is_used_by_another_through_the_host()
    {
        _sandbox.Add("sample");
        _sandbox.Add("lib-user-a");
        await using var host = TestHost.Create(_sandbox);
        host.Manager.Discover();
        host.Manager.LoadAll();

        var result = await CommandRunner.RunAsync(host.Manager, "lib-a filter", new() { ["spec"] = ["60"], ["length"] = ["64"] });
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("min-length keeps 64 bytes", result.Output.Trim());

        var dropped = await CommandRunner.RunAsync(host.Manager, "lib-a filter", new() { ["spec"] = ["60"], ["length"] = ["14"] });
        Assert.Equal("min-length keeps 0 bytes", dropped.Output.Trim());
    }

    [Fact]
    public async Task A_capability_of_a_stopped_plugin_is_no_longer_offered()
    {
        _sandbox.Add("sample");
        _sandbox.Add("lib-user-a");
        await using var host = TestHost.Create(_sandbox);
        host.Manager.Discover();
        host.Manager.LoadAll();
        await host.Manager.StopAsync(host.Plugin("sample"), CancellationToken.None);

        var result = await CommandRunner.RunAsync(host.Manager, "lib-a filter", new() { ["spec"] = ["60"], ["length"] = ["64"] });
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("no plugin offers a packet filter", result.Error.Trim());
    }
}
