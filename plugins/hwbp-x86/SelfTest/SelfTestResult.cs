namespace Framework.Plugins.HwbpX86.SelfTest;

/// <summary>What <see cref="BreakpointSelfTest"/> found.</summary>
/// <param name="Armed">Whether the kernel accepted (and accounted) the watchpoint.</param>
/// <param name="Delivered">Whether the writes raised debug traps that the kernel counted.</param>
/// <param name="Writes">How many writes were made to the watched variable.</param>
/// <param name="Counted">The event's count after the writes.</param>
/// <param name="Sampled">How many samples reached the ring buffer.</param>
/// <param name="Address">The watched variable's address.</param>
/// <param name="Tid">The thread that armed the watchpoint and wrote.</param>
/// <param name="FirstHitInstructionPointer">The instruction pointer of the first sample, if any.</param>
/// <param name="Verdict">One plain sentence for a person.</param>
/// <param name="Error">Why arming failed, when it did.</param>
public sealed record SelfTestResult(bool Armed, bool Delivered, int Writes, ulong Counted, int Sampled, ulong Address, int Tid, ulong? FirstHitInstructionPointer, string Verdict, string? Error);
