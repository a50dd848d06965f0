namespace Framework.Plugins.HwbpX86.Perf;

/// <summary>One perf event of a watch: a breakpoint (by its index in the request list) on one thread,
/// its descriptor, its ring buffer when sampling, and how many counted hits were reported so far.</summary>
internal sealed class PerfBreakpointEvent(int request, int tid, int fd, PerfRingBuffer? ring)
{
    public int Request { get; } = request;

    public int Tid { get; } = tid;

    public int Fd { get; } = fd;

    public PerfRingBuffer? Ring { get; } = ring;

    public ulong Reported { get; set; }
}
