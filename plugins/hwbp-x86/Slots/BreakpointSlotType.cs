namespace Framework.Plugins.HwbpX86.Slots;

/// <summary>The kernel's <c>enum bp_type_idx</c>: the constraint tables are kept per slot type.
/// Any read or write bit makes a data breakpoint (<c>find_slot_idx</c>).</summary>
public enum BreakpointSlotType
{
    /// <summary><c>TYPE_INST</c>: instruction breakpoints.</summary>
    Instruction = 0,

    /// <summary><c>TYPE_DATA</c>: data breakpoints (watchpoints).</summary>
    Data = 1,
}
