using Framework.Abstractions;

namespace Framework.Plugins.VectorTransports;

/// <summary>Entry point of the vector-transports plugin. The domain work (UML vector transports and the bridge come with issue 6.)</summary>
public sealed class VectorTransportsPlugin : IPlugin
{
    /// <inheritdoc />
    public void Configure(IPluginBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
    }
}
