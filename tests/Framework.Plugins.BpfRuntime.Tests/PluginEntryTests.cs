namespace Framework.Plugins.BpfRuntime.Tests;

public sealed class PluginEntryTests
{
    [Fact]
    public void The_entry_point_is_the_only_public_IPlugin()
    {
        var plugins = typeof(BpfRuntimePlugin).Assembly.GetExportedTypes()
            .Where(t => typeof(Framework.Abstractions.IPlugin).IsAssignableFrom(t) && !t.IsAbstract)
            .ToList();
        Assert.Equal([typeof(BpfRuntimePlugin)], plugins);
    }
}
