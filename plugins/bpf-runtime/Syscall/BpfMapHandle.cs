using Framework.Plugins.BpfRuntime.Maps;

namespace Framework.Plugins.BpfRuntime.Syscall;

/// <summary>A handle on a map (see <see cref="BpfHandle"/>).</summary>
public sealed class BpfMapHandle : BpfHandle
{
    internal BpfMapHandle(BpfSystem system, BpfMap map)
        : base(system, map)
    {
        Map = map;
    }

    /// <summary>The map.</summary>
    public BpfMap Map { get; }
}
