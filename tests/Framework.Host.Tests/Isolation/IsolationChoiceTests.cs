using Framework.Host.Discovery;
using Framework.Host.Lifecycle;
using Framework.Host.Tests.Infrastructure;
using Framework.Tests.Shared;

namespace Framework.Host.Tests.Isolation;

public sealed class IsolationChoiceTests : IDisposable
{
    private readonly PluginSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task A_plugin_without_isolation_in_its_manifest_runs_in_process()
    {
        _sandbox.Add("sample");
        await using var host = TestHost.Create(_sandbox);
        host.Manager.Discover();
        host.Manager.LoadAll();

        var plugin = host.Plugin("sample");
        Assert.Equal(PluginIsolation.InProcess, plugin.Isolation!.Isolation);
        Assert.Equal("manifest", plugin.Isolation.Source);
        Assert.Equal(PluginState.Configured, plugin.State);
    }

    [Fact]
    public async Task Configuration_overrides_the_manifest_and_says_so()
    {
        _sandbox.AddWithManifest("sample", "sample", m => m["isolation"] = "process");
        await using var host = TestHost.Create(_sandbox, new Dictionary<string, string?> { ["Host:Isolation:sample"] = "in-process" });
        host.Manager.Discover();
        host.Manager.LoadAll();

        var plugin = host.Plugin("sample");
        Assert.Equal(PluginIsolation.InProcess, plugin.Isolation!.Isolation);
        Assert.Equal("Host:Isolation:sample", plugin.Isolation.Source);
        Assert.Equal(PluginState.Configured, plugin.State);
    }

    [Fact]
    public async Task A_configured_mode_that_is_neither_word_refuses_the_plugin_naming_key_and_value()
    {
        _sandbox.Add("sample");
        await using var host = TestHost.Create(_sandbox, new Dictionary<string, string?> { ["Host:Isolation:sample"] = "container" });
        host.Manager.Discover();

        var plugin = host.Plugin("sample");
        Assert.Equal(PluginState.Refused, plugin.State);
        Assert.Equal("Host:Isolation:sample is 'container'; expected 'process' or 'in-process'.", plugin.StateReason);
    }
}
