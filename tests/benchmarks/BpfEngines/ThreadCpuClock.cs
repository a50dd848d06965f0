using System.Runtime.InteropServices;
using Perfolizer.Horology;

namespace Framework.Benchmarks.BpfEngines;

/// <summary>
/// The calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID, nanoseconds): what the kernel's
/// BPF_PROG_TEST_RUN clock counts too (it runs its loop with preemption off and stops the clock
/// while it reschedules). On a shared, loaded machine the wall clock also counts the time other
/// processes held the CPU, and would compare our engines, preemptible in user space, unfairly.
/// </summary>
public sealed partial class ThreadCpuClock : IClock
{
    private const int ClockThreadCpuTimeId = 3;

    public static readonly ThreadCpuClock Instance = new();

    public string Title => "thread CPU time";

    public bool IsAvailable => OperatingSystem.IsLinux();

    public Frequency Frequency => Frequency.GHz;

    public long GetTimestamp()
    {
        if (clock_gettime(ClockThreadCpuTimeId, out var time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed: " + Marshal.GetLastPInvokeErrorMessage());
        }

        return (time.Seconds * 1_000_000_000) + time.Nanoseconds;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int clock_gettime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
