using Framework.Plugins.HwbpX86.Arch;
using Framework.Plugins.HwbpX86.Slots;

namespace Framework.Plugins.HwbpX86.Plans;

/// <summary>Where a plan's steps are carried out: the constraint model, or the kernel through
/// perf_event_open. The runner keeps the names, addresses and lengths; a target only registers,
/// modifies and releases.</summary>
public interface ISlotPlanTarget : IDisposable
{
    /// <summary>A short name for output (<c>model</c>, <c>kernel</c>).</summary>
    string Name { get; }

    /// <summary>The address of the <paramref name="index"/>-th breakpoint's watched variable (8-byte aligned, 64 bytes apart).</summary>
    ulong AddressOf(int index);

    /// <summary>Registers a breakpoint under <paramref name="name"/>: one per online CPU when it is
    /// CPU-bound on every CPU (<paramref name="cpu"/> and <paramref name="task"/> null), all or none.</summary>
    BreakpointCheck Open(string name, int? cpu, string? task, HwBreakpointType type, ulong address, ulong length, bool pinned);

    /// <summary>Changes a registered breakpoint; a failure leaves it as it was.</summary>
    BreakpointCheck Modify(string name, HwBreakpointType type, ulong address, ulong length);

    /// <summary>Releases a registered breakpoint.</summary>
    void Close(string name);
}
