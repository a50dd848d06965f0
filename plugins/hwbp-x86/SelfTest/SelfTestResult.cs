namespace Framework.Plugins.HwbpX86.SelfTest;

/// <summary>What <see cref="BreakpointSelfTest"/> found.</summary>
/// <param name="Armed">Whether the kernel accepted (and accounted) the watchpoint.</param>
/// <param name="Delivered">Whether the writes raised debug traps that the kernel counted or sampled.</param>
/// <param name="Writes">How many writes were made to the watched variable.</param>
/// <param name="Counted">How much the event's count grew across the writes (read just before and just after them).</param>
/// <param name="Sampled">Samples in the ring buffer from the writing thread at the watched address.</param>
/// <param name="Address">The watched variable's address.</param>
/// <param name="Tid">The thread that armed the watchpoint and wrote.</param>
/// <param name="FirstHitInstructionPointer">The instruction pointer of the first sample, if any.</param>
/// <param name="Verdict">One plain sentence for a person.</param>
/// <param name="Error">Why arming failed, when it did.</param>
public sealed record SelfTestResult(bool Armed, bool Delivered, int Writes, ulong Counted, int Sampled, ulong Address, int Tid, ulong? FirstHitInstructionPointer, string Verdict, string? Error)
{
    /// <summary>The event's count when it was armed, before the first write (0 unless something
    /// else hit the variable in between).</summary>
    public ulong CountedBeforeWrites { get; init; }

    /// <summary>Samples that were not the writing thread's at the watched address (none expected).</summary>
    public int ForeignSamples { get; init; }

    /// <summary>Records the kernel dropped from the ring buffer (PERF_RECORD_LOST).</summary>
    public ulong LostRecords { get; init; }

    /// <summary>Whether every write was one counted hit and one sample, and nothing else was.</summary>
    public bool Exact => Delivered && Counted == (ulong)Writes && Sampled == Writes && ForeignSamples == 0 && LostRecords == 0 && CountedBeforeWrites == 0;
}
