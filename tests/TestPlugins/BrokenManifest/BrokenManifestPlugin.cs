using Framework.Abstractions;

namespace Framework.TestPlugins.BrokenManifest;

public sealed class BrokenManifestPlugin : IPlugin
{
    public void Configure(IPluginBuilder builder) => throw new InvalidOperationException("a plugin with a broken manifest must never be configured.");
}
