using System.Globalization;

namespace Framework.Plugins.HwbpX86.Slots;

/// <summary>
/// One breakpoint as the constraint tables see it (the kernel's <c>perf_event</c> of type
/// <c>PERF_TYPE_BREAKPOINT</c>): the CPU it is bound to or -1 for every CPU, the task it follows or
/// null for a CPU-bound breakpoint, and its type, address and length. Identity is by reference.
/// </summary>
public sealed class SlotBreakpoint
{
    /// <summary>Creates a breakpoint that is not registered yet.</summary>
    /// <param name="cpu">A CPU number, or -1 for every CPU.</param>
    /// <param name="task">The task (thread) it follows, or null for a CPU-bound breakpoint.</param>
    /// <param name="type">The access type.</param>
    /// <param name="address">The watched address.</param>
    /// <param name="length">The length as the kernel takes it (<c>bp_len</c>).</param>
    /// <param name="pinned">Whether it is pinned; the kernel accounts flexible breakpoints as pinned.</param>
    public SlotBreakpoint(int cpu, string? task, HwBreakpointType type, ulong address, ulong length, bool pinned = true)
    {
        Cpu = cpu;
        Task = task;
        Type = type;
        Address = address;
        Length = length;
        Pinned = pinned;
    }

    /// <summary>The CPU, or -1 for every CPU.</summary>
    public int Cpu { get; }

    /// <summary>The task, or null for a CPU-bound breakpoint.</summary>
    public string? Task { get; }

    /// <summary>The access type (changed by a successful modification).</summary>
    public HwBreakpointType Type { get; internal set; }

    /// <summary>The address (changed by a successful modification).</summary>
    public ulong Address { get; internal set; }

    /// <summary>The length (changed by a successful modification).</summary>
    public ulong Length { get; internal set; }

    /// <summary>Whether it was asked for pinned.</summary>
    public bool Pinned { get; }

    /// <summary>Whether it holds a reservation.</summary>
    public bool IsRegistered { get; internal set; }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Type.ToShortName()} {Length} bytes at 0x{Address:x}, {(Task is null ? "CPU-bound" : "task " + Task)}, {(Cpu < 0 ? "every CPU" : "CPU " + Cpu)}");
}
