using System.Globalization;
using Framework.Plugins.HwbpX86.Arch;
using Framework.Plugins.HwbpX86.Native;

namespace Framework.Plugins.HwbpX86.Slots;

/// <summary>
/// The kernel's breakpoint slot accounting (kernel/events/hw_breakpoint.c), predicted before the
/// kernel is asked. Per CPU and per slot type it keeps the pinned CPU-bound breakpoints and a
/// histogram of the pinned task-bound breakpoints per task; task-bound breakpoints on every CPU are
/// kept in one more histogram while no breakpoint of that task is bound to one CPU. A new
/// breakpoint is refused with ENOSPC when, on any CPU it covers, the CPU-bound breakpoints plus the
/// largest task's (or its own task's) breakpoints plus its weight would exceed the slots.
/// Flexible breakpoints are accounted as pinned, as the kernel does. On x86 instruction and data
/// breakpoints share the same debug registers (CONFIG_HAVE_MIXED_BREAKPOINTS_REGS: the kernel's
/// TYPE_INST and TYPE_DATA are one table), so a task with four watchpoints has no room for an
/// instruction breakpoint. Not thread-safe: one caller at a time.
/// </summary>
public sealed class BreakpointConstraints
{
    private readonly CpuInfo[,] _info;
    private readonly BreakpointSlotsHistogram[] _cpuPinned;
    private readonly BreakpointSlotsHistogram[] _taskPinnedAll;
    private readonly Dictionary<string, List<SlotBreakpoint>> _taskBreakpoints = new(StringComparer.Ordinal);

    /// <summary>Creates empty tables.</summary>
    /// <param name="topology">The CPUs.</param>
    /// <param name="slots">Slots per type (<c>hw_breakpoint_slots</c>): 4 on x86, the debug registers DR0 to DR3.</param>
    /// <param name="rangeExtension">Whether the CPU has AMD's breakpoint extension (longer ranges).</param>
    /// <param name="mixedRegisters">Whether instruction and data breakpoints share one set of
    /// registers (true on x86), or each type has its own slots.</param>
    public BreakpointConstraints(CpuTopology topology, int slots = X86BreakpointRules.DebugRegisterCount, bool rangeExtension = false, bool mixedRegisters = true)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        Topology = topology;
        Slots = slots;
        RangeExtension = rangeExtension;
        MixedRegisters = mixedRegisters;
        _info = new CpuInfo[2, topology.Possible];
        for (var t = 0; t < 2; t++)
        {
            for (var cpu = 0; cpu < topology.Possible; cpu++)
            {
                _info[t, cpu] = new CpuInfo(slots);
            }
        }

        _cpuPinned = [new(slots), new(slots)];
        _taskPinnedAll = [new(slots), new(slots)];
    }

    /// <summary>The CPUs the tables cover.</summary>
    public CpuTopology Topology { get; }

    /// <summary>Slots per type.</summary>
    public int Slots { get; }

    /// <summary>Whether longer power-of-two ranges are allowed (AMD bpext).</summary>
    public bool RangeExtension { get; }

    /// <summary>Whether instruction and data breakpoints share the slots.</summary>
    public bool MixedRegisters { get; }

    /// <summary>True when no breakpoint holds a slot (the kernel's <c>hw_breakpoint_is_used</c> negated).</summary>
    public bool IsEmpty
    {
        get
        {
            foreach (var info in _info)
            {
                if (info.CpuPinned != 0 || !info.TaskPinned.IsEmpty)
                {
                    return false;
                }
            }

            return _cpuPinned.All(h => h.IsEmpty) && _taskPinnedAll.All(h => h.IsEmpty);
        }
    }

    /// <summary>
    /// Registers a breakpoint as perf_event_open does for <c>PERF_TYPE_BREAKPOINT</c>: the CPU is
    /// checked, a slot is reserved, then the x86 rules are applied (a refused breakpoint gives its slot
    /// back), then a CPU-bound breakpoint needs its CPU online. The order matters: with every slot
    /// taken, even a malformed breakpoint gets ENOSPC.
    /// </summary>
    /// <returns><see cref="BreakpointCheck.Ok"/>, or the errno and why.</returns>
    public BreakpointCheck Register(SlotBreakpoint breakpoint)
    {
        ArgumentNullException.ThrowIfNull(breakpoint);
        if (breakpoint.IsRegistered)
        {
            throw new InvalidOperationException("the breakpoint is already registered");
        }

        if (breakpoint.Task is null && breakpoint.Cpu < 0)
        {
            return new(Errno.EINVAL, "cpu: a CPU-bound breakpoint (no task) needs a CPU number");
        }

        if (breakpoint.Cpu >= Topology.Possible || breakpoint.Cpu < -1)
        {
            return new(Errno.EINVAL, string.Create(CultureInfo.InvariantCulture, $"cpu {breakpoint.Cpu}: this machine has CPUs 0 to {Topology.Possible - 1}"));
        }

        var reserved = Reserve(breakpoint, breakpoint.Type);
        if (!reserved.IsOk)
        {
            return reserved;
        }

        var rules = X86BreakpointRules.Check(breakpoint.Address, breakpoint.Length, breakpoint.Type, RangeExtension);
        if (!rules.IsOk)
        {
            Toggle(breakpoint, enable: false, breakpoint.Type.SlotType());
            return rules;
        }

        if (breakpoint.Task is null && !Topology.IsOnline(breakpoint.Cpu))
        {
            Toggle(breakpoint, enable: false, breakpoint.Type.SlotType());
            return new(Errno.ENODEV, string.Create(CultureInfo.InvariantCulture, $"cpu {breakpoint.Cpu} is offline"));
        }

        breakpoint.IsRegistered = true;
        return BreakpointCheck.Ok;
    }

    /// <summary>Releases the breakpoint's slot (closing its perf event). Releasing twice does nothing.</summary>
    public void Unregister(SlotBreakpoint breakpoint)
    {
        ArgumentNullException.ThrowIfNull(breakpoint);
        if (!breakpoint.IsRegistered)
        {
            return;
        }

        Toggle(breakpoint, enable: false, breakpoint.Type.SlotType());
        breakpoint.IsRegistered = false;
    }

    /// <summary>
    /// Changes a registered breakpoint as PERF_EVENT_IOC_MODIFY_ATTRIBUTES does: the x86 rules are
    /// checked on the new attributes first; a changed type gives back the old slot and reserves one of
    /// the new type, and when that fails takes the old slot back, so a failed modification leaves the
    /// old reservation and attributes intact.
    /// </summary>
    public BreakpointCheck Modify(SlotBreakpoint breakpoint, HwBreakpointType type, ulong address, ulong length)
    {
        ArgumentNullException.ThrowIfNull(breakpoint);
        if (!breakpoint.IsRegistered)
        {
            throw new InvalidOperationException("the breakpoint is not registered");
        }

        var rules = X86BreakpointRules.Check(address, length, type, RangeExtension);
        if (!rules.IsOk)
        {
            return rules;
        }

        if (type != breakpoint.Type)
        {
            var oldType = breakpoint.Type;
            Toggle(breakpoint, enable: false, oldType.SlotType());
            breakpoint.Type = type;
            var reserved = Reserve(breakpoint, type);
            if (!reserved.IsOk)
            {
                breakpoint.Type = oldType;
                var back = Reserve(breakpoint, oldType);
                if (!back.IsOk)
                {
                    throw new InvalidOperationException($"breakpoint constraints: the slot just released could not be taken back ({back.Message})");
                }

                return reserved;
            }
        }

        breakpoint.Address = address;
        breakpoint.Length = length;
        return BreakpointCheck.Ok;
    }

    /// <summary>How many slots of <paramref name="type"/> a new breakpoint bound like
    /// <paramref name="probe"/> would find already taken: the number the constraint compares with the slots.</summary>
    public int PinnedSlots(SlotBreakpoint probe, BreakpointSlotType type)
    {
        ArgumentNullException.ThrowIfNull(probe);
        return MaxPinnedSlots(probe, type);
    }

    private BreakpointCheck Reserve(SlotBreakpoint breakpoint, HwBreakpointType bpType)
    {
        if (bpType is HwBreakpointType.Empty or HwBreakpointType.Invalid)
        {
            return new(Errno.EINVAL, $"type {bpType.ToShortName()}: a breakpoint watches data (w, rw) or an instruction (x)");
        }

        var type = bpType.SlotType();
        var needed = MaxPinnedSlots(breakpoint, type) + Weight(breakpoint);
        if (needed > Slots)
        {
            return new(Errno.ENOSPC, string.Create(CultureInfo.InvariantCulture,
                $"out of debug registers: {Describe(breakpoint)} already has {needed - Weight(breakpoint)} of {Slots} {(MixedRegisters ? "debug register" : type == BreakpointSlotType.Data ? "data breakpoint" : "instruction breakpoint")} slots in use"));
        }

        Toggle(breakpoint, enable: true, type);
        return BreakpointCheck.Ok;
    }

    private static string Describe(SlotBreakpoint bp) => bp.Task is null
        ? string.Create(CultureInfo.InvariantCulture, $"CPU {bp.Cpu}")
        : bp.Cpu < 0 ? $"task {bp.Task} on every CPU" : string.Create(CultureInfo.InvariantCulture, $"task {bp.Task} on CPU {bp.Cpu}");

    // enum bp_type_idx: with mixed registers TYPE_DATA is TYPE_INST.
    private int Index(BreakpointSlotType type) => MixedRegisters ? 0 : (int)type;

    // hw_breakpoint_weight: one slot per breakpoint on x86.
    private static int Weight(SlotBreakpoint breakpoint) => 1;

    private IEnumerable<int> CpusOf(SlotBreakpoint bp) => bp.Cpu >= 0 ? [bp.Cpu] : Enumerable.Range(0, Topology.Possible);

    // The largest number of slots of this type already taken on any CPU the breakpoint covers.
    private int MaxPinnedSlots(SlotBreakpoint bp, BreakpointSlotType type)
    {
        if (bp.Task is not null && bp.Cpu < 0)
        {
            var taskPinned = TaskPinned(-1, bp, type);
            if (taskPinned >= 0)
            {
                // The task's count is the same on every CPU: add the busiest CPU's CPU-bound ones.
                return taskPinned + _cpuPinned[Index(type)].Max();
            }
        }

        var max = 0;
        foreach (var cpu in CpusOf(bp))
        {
            var info = _info[Index(type), cpu];
            var nr = info.CpuPinned + (bp.Task is null
                ? info.TaskPinned.Max(_taskPinnedAll[Index(type)])
                : TaskPinned(cpu, bp, type));
            max = Math.Max(max, nr);
        }

        return max;
    }

    // The slots the breakpoint's task uses on a CPU (the breakpoint itself not counted). For cpu -1,
    // -1 when one of them is bound to a single CPU, so the count depends on the CPU.
    private int TaskPinned(int cpu, SlotBreakpoint bp, BreakpointSlotType type)
    {
        if (!_taskBreakpoints.TryGetValue(bp.Task!, out var list))
        {
            return 0;
        }

        var count = 0;
        foreach (var other in list)
        {
            if (ReferenceEquals(other, bp) || Index(other.Type.SlotType()) != Index(type))
            {
                continue;
            }

            if (other.Cpu >= 0)
            {
                if (cpu == -1)
                {
                    return -1;
                }

                if (cpu != other.Cpu)
                {
                    continue;
                }
            }

            count += Weight(other);
        }

        return count;
    }

    private void Toggle(SlotBreakpoint bp, bool enable, BreakpointSlotType type)
    {
        var weight = enable ? Weight(bp) : -Weight(bp);
        var t = Index(type);
        if (bp.Task is null)
        {
            var info = _info[t, bp.Cpu];
            _cpuPinned[t].Add(info.CpuPinned, weight);
            info.CpuPinned += weight;
            return;
        }

        if (!enable)
        {
            _taskBreakpoints[bp.Task].Remove(bp);
        }

        // The task's other breakpoints of this type, all on every CPU (>= 0), or some bound to one CPU (-1).
        var next = TaskPinned(-1, bp, type);
        if (next >= 0)
        {
            if (bp.Cpu < 0)
            {
                // Only breakpoints on every CPU: the one histogram for them is enough.
                _taskPinnedAll[t].Add(enable ? next : next + Weight(bp), weight);
            }
            else if (enable)
            {
                // The task's first breakpoint bound to one CPU: its breakpoints on every CPU move from
                // the all-CPU histogram into each CPU's histogram, then this one is added on its CPU.
                for (var cpu = 0; cpu < Topology.Possible; cpu++)
                {
                    _info[t, cpu].TaskPinned.Add(0, next);
                }

                _info[t, bp.Cpu].TaskPinned.Add(next, weight);
                _taskPinnedAll[t].Add(next, -next);
            }
            else
            {
                // The task's last breakpoint bound to one CPU goes: the rest move back to the all-CPU histogram.
                _info[t, bp.Cpu].TaskPinned.Add(next + Weight(bp), weight);
                for (var cpu = 0; cpu < Topology.Possible; cpu++)
                {
                    _info[t, cpu].TaskPinned.Add(next, -next);
                }

                _taskPinnedAll[t].Add(0, next);
            }
        }
        else
        {
            foreach (var cpu in CpusOf(bp))
            {
                var onCpu = TaskPinned(cpu, bp, type);
                _info[t, cpu].TaskPinned.Add(enable ? onCpu : onCpu + Weight(bp), weight);
            }
        }

        if (enable)
        {
            if (!_taskBreakpoints.TryGetValue(bp.Task, out var list))
            {
                _taskBreakpoints[bp.Task] = list = [];
            }

            list.Add(bp);
        }
    }

    private sealed class CpuInfo(int slots)
    {
        public int CpuPinned { get; set; }

        public BreakpointSlotsHistogram TaskPinned { get; } = new(slots);
    }
}
