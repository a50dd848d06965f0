namespace Framework.Plugins.HwbpX86.Slots;

/// <summary>The access a breakpoint triggers on, with the values of the kernel's
/// <c>HW_BREAKPOINT_R/W/X</c> (<c>perf_event_attr.bp_type</c>).</summary>
[Flags]
public enum HwBreakpointType
{
    /// <summary><c>HW_BREAKPOINT_EMPTY</c>: no access; refused.</summary>
    Empty = 0,

    /// <summary><c>HW_BREAKPOINT_R</c>: reads alone, which x86 cannot watch.</summary>
    Read = 1,

    /// <summary><c>HW_BREAKPOINT_W</c>: writes.</summary>
    Write = 2,

    /// <summary><c>HW_BREAKPOINT_RW</c>: reads and writes.</summary>
    ReadWrite = Read | Write,

    /// <summary><c>HW_BREAKPOINT_X</c>: instruction fetch (execute).</summary>
    Execute = 4,

    /// <summary><c>HW_BREAKPOINT_INVALID</c>: data and instruction at once; refused.</summary>
    Invalid = ReadWrite | Execute,
}
