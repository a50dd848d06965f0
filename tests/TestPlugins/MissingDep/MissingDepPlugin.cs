using Framework.Abstractions;
using Framework.TestLib;

namespace Framework.TestPlugins.MissingDep;

public sealed class MissingDepPlugin : IPlugin
{
    public void Configure(IPluginBuilder builder) => _ = LibraryInfo.Flavour;
}
