namespace Framework.Plugins.HwbpX86.Perf;

/// <summary>A PERF_RECORD_SAMPLE with PERF_SAMPLE_IP, TID, TIME, ADDR and CPU, in that order.</summary>
/// <param name="InstructionPointer">ip.</param>
/// <param name="Pid">pid.</param>
/// <param name="Tid">tid.</param>
/// <param name="Time">time (perf clock, nanoseconds).</param>
/// <param name="Address">addr: for a breakpoint, its address.</param>
/// <param name="Cpu">cpu.</param>
public readonly record struct PerfSample(ulong InstructionPointer, int Pid, int Tid, ulong Time, ulong Address, int Cpu);
