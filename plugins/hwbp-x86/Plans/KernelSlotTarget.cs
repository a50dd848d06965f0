using System.Globalization;
using System.Runtime.InteropServices;
using Framework.Plugins.HwbpX86.Arch;
using Framework.Plugins.HwbpX86.Native;
using Framework.Plugins.HwbpX86.Slots;

namespace Framework.Plugins.HwbpX86.Plans;

/// <summary>
/// Carries a plan out on the running kernel: each open is a perf_event_open of a
/// <c>PERF_TYPE_BREAKPOINT</c> event in counting mode on a variable of this process (task-bound ones
/// on threads this target creates, one per task name), each modify a
/// PERF_EVENT_IOC_MODIFY_ATTRIBUTES, each close a close. The kernel does the slot accounting even
/// where it never delivers a trap, so the results are the kernel's own.
/// </summary>
public sealed unsafe class KernelSlotTarget : ISlotPlanTarget
{
    private const int Variables = 1024;
    private readonly byte* _variables;
    private readonly Dictionary<string, PlanThread> _tasks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OpenEvents> _open = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>Creates the target for this machine's online CPUs.</summary>
    public KernelSlotTarget(CpuTopology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        Topology = topology;
        _variables = (byte*)NativeMemory.AlignedAlloc(Variables * 64, 4096);
        NativeMemory.Clear(_variables, Variables * 64);
    }

    /// <summary>The CPUs a CPU-bound breakpoint on every CPU is opened on.</summary>
    public CpuTopology Topology { get; }

    /// <inheritdoc />
    public string Name => "kernel";

    /// <inheritdoc />
    public ulong AddressOf(int index) => (ulong)_variables + ((ulong)(index % Variables) * 64);

    /// <inheritdoc />
    public BreakpointCheck Open(string name, int? cpu, string? task, HwBreakpointType type, ulong address, ulong length, bool pinned)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var pid = task is null ? -1 : Task(task).Tid;
        var cpus = cpu is null && task is null ? Topology.Online : [cpu ?? -1];
        var attr = PerfEventAttr.Breakpoint((uint)type, address, length, pinned);
        var fds = new List<int>();
        foreach (var c in cpus)
        {
            var errno = PerfEventSyscalls.TryOpen(attr, pid, c, out var fd);
            if (errno != Errno.None)
            {
                fds.ForEach(PerfEventSyscalls.Close);
                return new(errno, string.Create(CultureInfo.InvariantCulture, $"perf_event_open({(task is null ? "CPU-bound" : "task " + task)}, cpu {c}) failed"));
            }

            fds.Add(fd);
        }

        _open[name] = new OpenEvents(fds, pinned) { Attr = attr };
        return BreakpointCheck.Ok;
    }

    /// <inheritdoc />
    public BreakpointCheck Modify(string name, HwBreakpointType type, ulong address, ulong length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var events = _open[name];
        var attr = PerfEventAttr.Breakpoint((uint)type, address, length, events.Pinned);
        for (var i = 0; i < events.Fds.Count; i++)
        {
            var errno = PerfEventSyscalls.TryModify(events.Fds[i], attr);
            if (errno != Errno.None)
            {
                // All or none: the CPUs already changed go back to the old attributes.
                for (var j = 0; j < i; j++)
                {
                    PerfEventSyscalls.TryModify(events.Fds[j], events.Attr);
                }

                return new(errno, "PERF_EVENT_IOC_MODIFY_ATTRIBUTES failed");
            }
        }

        events.Attr = attr;
        return BreakpointCheck.Ok;
    }

    /// <inheritdoc />
    public void Close(string name)
    {
        if (_open.Remove(name, out var events))
        {
            events.Fds.ForEach(PerfEventSyscalls.Close);
        }
    }

    /// <summary>Closes every event, ends the task threads and frees the variables. Idempotent.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var name in _open.Keys.ToList())
        {
            Close(name);
        }

        foreach (var thread in _tasks.Values)
        {
            thread.Dispose();
        }

        _tasks.Clear();
        NativeMemory.AlignedFree(_variables);
    }

    private sealed class OpenEvents(List<int> fds, bool pinned)
    {
        public List<int> Fds { get; } = fds;

        public bool Pinned { get; } = pinned;

        public PerfEventAttr Attr { get; set; }
    }

    private PlanThread Task(string name)
    {
        if (!_tasks.TryGetValue(name, out var thread))
        {
            _tasks[name] = thread = new PlanThread(name);
        }

        return thread;
    }
}
