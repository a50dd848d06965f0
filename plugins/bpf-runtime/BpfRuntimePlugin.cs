using Framework.Abstractions;

namespace Framework.Plugins.BpfRuntime;

/// <summary>Entry point of the bpf-runtime plugin. The domain work (eBPF runtime: ISA, assembler, interpreter, maps and programs come with issue 4.)</summary>
public sealed class BpfRuntimePlugin : IPlugin
{
    /// <inheritdoc />
    public void Configure(IPluginBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
    }
}
