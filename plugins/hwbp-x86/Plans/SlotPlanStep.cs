using Framework.Plugins.HwbpX86.Slots;

namespace Framework.Plugins.HwbpX86.Plans;

/// <summary>One step of a slot plan.</summary>
/// <param name="Op">What the step does.</param>
/// <param name="Name">The breakpoint's name in the plan.</param>
/// <param name="Cpu">For open: a CPU number, or null for every CPU.</param>
/// <param name="Task">For open: the name of a thread the runner creates, or null for a CPU-bound breakpoint.</param>
/// <param name="Type">For open: the type; for modify: the new type, or null to keep it.</param>
/// <param name="Length">For open: the length in bytes (1 for x means one instruction); for modify: the new length, or null to keep it.</param>
/// <param name="Pinned">For open: pinned (true) or flexible.</param>
public sealed record SlotPlanStep(SlotPlanOp Op, string Name, int? Cpu = null, string? Task = null, HwBreakpointType? Type = null, ulong? Length = null, bool Pinned = true)
{
    /// <summary>The op's name as plans spell it.</summary>
    public string OpName => Op switch
    {
        SlotPlanOp.Open => "open",
        SlotPlanOp.Modify => "modify",
        _ => "close",
    };
}
