using Framework.Abstractions;

namespace Framework.Plugins.Elf2Dmp;

/// <summary>Entry point of the elf2dmp plugin. The domain work (the QEMU ELF to crash dump converter comes with issue 5.)</summary>
public sealed class Elf2DmpPlugin : IPlugin
{
    /// <inheritdoc />
    public void Configure(IPluginBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
    }
}
