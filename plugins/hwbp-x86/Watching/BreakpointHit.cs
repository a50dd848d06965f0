namespace Framework.Plugins.HwbpX86.Watching;

/// <summary>One delivered hit of a breakpoint.</summary>
/// <param name="Address">The watched address (the breakpoint's, as the kernel reports it).</param>
/// <param name="InstructionPointer">Where the thread was: after the writing instruction for a data
/// breakpoint (a trap), at the instruction for an execute breakpoint (a fault).</param>
/// <param name="Pid">The process.</param>
/// <param name="Tid">The thread that hit it.</param>
/// <param name="DebugRegister">Which of DR0 to DR3 fired (from DR6), or -1 when the backend does not say.</param>
/// <param name="Dr6">The DR6 value the backend read, or null.</param>
public sealed record BreakpointHit(ulong Address, ulong InstructionPointer, int Pid, int Tid, int DebugRegister = -1, ulong? Dr6 = null);
