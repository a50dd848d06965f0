using Framework.Host.Lifecycle;
using Framework.Host.Tests.Infrastructure;
using Framework.Tests.Shared;

namespace Framework.Host.Tests.Loading;

public sealed class VersionSelectionTests : IDisposable
{
    private readonly PluginSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    private void AddVersions()
    {
        _sandbox.AddWithManifest("sample", "sample/1.0.0", m => m["version"] = "1.0.0");
        _sandbox.AddWithManifest("sample", "sample/1.2.0", m => m["version"] = "1.2.0");
        _sandbox.AddWithManifest("sample", "sample/3.0.0", m =>
        {
            m["version"] = "3.0.0";
            m["contractVersion"] = "1.9.0";
        });
    }

    [Fact]
    public async Task The_highest_compatible_version_wins()
    {
        AddVersions();
        await using var host = TestHost.Create(_sandbox);
        host.Manager.Discover();

        var states = host.Manager.Plugins.ToDictionary(p => p.Version, p => (p.State, p.StateReason));
        Assert.Equal(PluginState.Discovered, states["1.2.0"].State);
        Assert.Equal(PluginState.Skipped, states["1.0.0"].State);
        Assert.Equal("version 1.0.0 not chosen: a higher compatible version is present, 1.2.0.", states["1.0.0"].StateReason);
        Assert.Equal(PluginState.Refused, states["3.0.0"].State);
        Assert.Equal("built against Framework.Abstractions 1.9.0, newer than this host's 1.2.0: a newer host is needed.", states["3.0.0"].StateReason);
    }

    [Fact]
    public async Task A_pin_chooses_the_version()
    {
        AddVersions();
        await using var host = TestHost.Create(_sandbox, new Dictionary<string, string?> { ["Host:Pins:sample"] = "1.0.0" });
        host.Manager.Discover();

        var states = host.Manager.Plugins.ToDictionary(p => p.Version, p => (p.State, p.StateReason));
        Assert.Equal(PluginState.Discovered, states["1.0.0"].State);
        Assert.Equal("version 1.2.0 not chosen: pinned to 1.0.0.", states["1.2.0"].StateReason);
    }

    [Fact]
    public async Task A_pin_to_a_version_that_is_not_there_loads_nothing_and_says_which_are()
    {
        AddVersions();
        await using var host = TestHost.Create(_sandbox, new Dictionary<string, string?> { ["Host:Pins:sample"] = "2.0.0" });
        host.Manager.Discover();

        Assert.DoesNotContain(host.Manager.Plugins, p => p.State == PluginState.Discovered);
        Assert.Equal("Host:Pins:sample asks for 2.0.0, which is not among the loadable versions (1.0.0, 1.2.0).", host.Manager.Plugins.First(p => p.Version == "1.0.0").StateReason);
    }
}
