namespace Framework.Plugins.Elf2Dmp.Tests;

public sealed class PluginEntryTests
{
    [Fact]
    public void The_entry_point_is_the_only_public_IPlugin()
    {
        var plugins = typeof(Elf2DmpPlugin).Assembly.GetExportedTypes()
            .Where(t => typeof(Framework.Abstractions.IPlugin).IsAssignableFrom(t) && !t.IsAbstract)
            .ToList();
        Assert.Equal([typeof(Elf2DmpPlugin)], plugins);
    }
}
