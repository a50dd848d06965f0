using Microsoft.Extensions.DependencyInjection;

namespace Framework.Plugins.VectorTransports.Tests;

public sealed class PluginEntryTests
{
    [Fact]
    public void The_entry_point_is_the_only_public_IPlugin()
    {
        var plugins = typeof(VectorTransportsPlugin).Assembly.GetExportedTypes()
            .Where(t => typeof(Framework.Abstractions.IPlugin).IsAssignableFrom(t) && !t.IsAbstract)
            .ToList();
        Assert.Equal([typeof(VectorTransportsPlugin)], plugins);
    }
}

public sealed class BridgeServiceRegistrationTests
{
    [Fact]
    public void The_bridge_service_is_registered_only_when_bridges_are_configured()
    {
        using var none = new PluginHarness();
        using var one = new PluginHarness(new() { ["Bridges:0:Name"] = "b", ["Bridges:0:A"] = "transport=unix,src=/tmp/a,dst=/tmp/b", ["Bridges:0:B"] = "transport=unix,src=/tmp/c,dst=/tmp/d" });

        Assert.Empty(none.Provider.GetServices<Microsoft.Extensions.Hosting.IHostedService>());
        Assert.IsType<Framework.Plugins.VectorTransports.Bridge.BridgeHostedService>(Assert.Single(one.Provider.GetServices<Microsoft.Extensions.Hosting.IHostedService>()));
    }
}
