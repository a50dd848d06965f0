using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Plugins.BpfRuntime;

/// <summary>The plugin's settings, bound from <c>Plugins:bpf-runtime</c>.</summary>
public sealed class BpfRuntimeOptions
{
    /// <summary>Limits and policy of the plugin's <see cref="BpfSystem"/>.</summary>
    public BpfSystemOptions System { get; set; } = new();

    /// <summary>The bundled sample job.</summary>
    public BpfSampleOptions Sample { get; set; } = new();
}
