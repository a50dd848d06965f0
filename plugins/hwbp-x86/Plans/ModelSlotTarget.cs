using Framework.Plugins.HwbpX86.Arch;
using Framework.Plugins.HwbpX86.Slots;

namespace Framework.Plugins.HwbpX86.Plans;

/// <summary>Carries a plan out on <see cref="BreakpointConstraints"/>, the model of the kernel's accounting.</summary>
public sealed class ModelSlotTarget : ISlotPlanTarget
{
    private const ulong Base = 0x5555_0000_0000;
    private readonly Dictionary<string, List<SlotBreakpoint>> _open = new(StringComparer.Ordinal);

    /// <summary>Creates the target over fresh tables for <paramref name="topology"/>.</summary>
    public ModelSlotTarget(CpuTopology topology, bool rangeExtension = false)
    {
        Constraints = new BreakpointConstraints(topology, X86BreakpointRules.DebugRegisterCount, rangeExtension);
    }

    /// <summary>The tables.</summary>
    public BreakpointConstraints Constraints { get; }

    /// <inheritdoc />
    public string Name => "model";

    /// <inheritdoc />
    public ulong AddressOf(int index) => Base + ((ulong)index * 64);

    /// <inheritdoc />
    public BreakpointCheck Open(string name, int? cpu, string? task, HwBreakpointType type, ulong address, ulong length, bool pinned)
    {
        var cpus = cpu is null && task is null ? Constraints.Topology.Online : [cpu ?? -1];
        var registered = new List<SlotBreakpoint>();
        foreach (var c in cpus)
        {
            var bp = new SlotBreakpoint(c, task, type, address, length, pinned);
            var check = Constraints.Register(bp);
            if (!check.IsOk)
            {
                registered.ForEach(Constraints.Unregister);
                return check;
            }

            registered.Add(bp);
        }

        _open[name] = registered;
        return BreakpointCheck.Ok;
    }

    /// <inheritdoc />
    public BreakpointCheck Modify(string name, HwBreakpointType type, ulong address, ulong length)
    {
        var list = _open[name];
        var done = new List<(SlotBreakpoint Bp, HwBreakpointType Type, ulong Address, ulong Length)>();
        foreach (var bp in list)
        {
            var before = (bp, bp.Type, bp.Address, bp.Length);
            var check = Constraints.Modify(bp, type, address, length);
            if (!check.IsOk)
            {
                foreach (var (b, t, a, l) in done)
                {
                    Constraints.Modify(b, t, a, l);
                }

                return check;
            }

            done.Add(before);
        }

        return BreakpointCheck.Ok;
    }

    /// <inheritdoc />
    public void Close(string name)
    {
        if (_open.Remove(name, out var list))
        {
            list.ForEach(Constraints.Unregister);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var name in _open.Keys.ToList())
        {
            Close(name);
        }
    }
}
