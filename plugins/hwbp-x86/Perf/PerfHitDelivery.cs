namespace Framework.Plugins.HwbpX86.Perf;

/// <summary>How a perf_event_open breakpoint reports its hits to the watcher.</summary>
public enum PerfHitDelivery
{
    /// <summary>Every hit is a PERF_RECORD_SAMPLE in the event's mmap ring buffer (instruction
    /// pointer, address, thread), read when poll(2) says the buffer has data.</summary>
    Sample,

    /// <summary>The kernel only counts; the watcher reads each event's count (read(2)) and reports
    /// the new hits of each breakpoint and thread (no instruction pointer).</summary>
    Count,

    /// <summary>The kernel counts and signals the watcher on every hit (sample period 1, O_ASYNC,
    /// F_SETSIG with a real-time signal, F_SETOWN to this process: the fasync path of perf's
    /// overflow handling); each signal makes the watcher read the counts as in <see cref="Count"/>.</summary>
    Signal,
}
