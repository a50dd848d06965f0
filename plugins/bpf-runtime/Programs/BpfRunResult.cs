namespace Framework.Plugins.BpfRuntime.Programs;

/// <summary>The outcome of a test run (BPF_PROG_TEST_RUN).</summary>
/// <param name="ReturnValue">r0 at exit of the last repetition.</param>
/// <param name="InstructionsExecuted">Instructions executed by the last repetition.</param>
/// <param name="Duration">Mean wall time of one repetition.</param>
/// <param name="DataOut">The data (packet or memory) after the last repetition.</param>
public sealed record BpfRunResult(ulong ReturnValue, long InstructionsExecuted, TimeSpan Duration, byte[] DataOut)
{
    /// <summary>The mean duration of one repetition in nanoseconds (finer than <see cref="Duration"/>'s ticks).</summary>
    public double DurationNanoseconds { get; init; } = Duration.Ticks * 100.0;
}
