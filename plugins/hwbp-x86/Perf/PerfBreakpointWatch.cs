using System.Globalization;
using System.Runtime.InteropServices;
using Framework.Plugins.HwbpX86.Arch;
using Framework.Plugins.HwbpX86.Native;
using Framework.Plugins.HwbpX86.Watching;

namespace Framework.Plugins.HwbpX86.Perf;

/// <summary>
/// A breakpoint through perf_event_open (<c>PERF_TYPE_BREAKPOINT</c>), one event per watched thread.
/// In sampling mode every hit is a PERF_RECORD_SAMPLE in the event's mmap ring buffer (instruction
/// pointer, thread, address); in counting mode only the count is kept (<see cref="ReadCount"/>).
/// In counting mode with every thread watched the events are inherited by threads created later;
/// sampling watches the threads that exist when it is armed (the kernel does not mmap inherited
/// per-task events).
/// </summary>
public sealed unsafe class PerfBreakpointWatch : BreakpointWatch, IDisposable
{
    private const short PollIn = 1;
    private const short PollHup = 0x10;
    private readonly List<(int Tid, int Fd, PerfRingBuffer? Ring)> _events = [];
    private readonly IReadOnlyList<WatchRequest> _requests;
    private int _disposed;

    private PerfBreakpointWatch(IReadOnlyList<WatchRequest> requests, bool sampling)
    {
        _requests = requests;
        Sampling = sampling;
    }

    /// <inheritdoc />
    public override string Backend => "perf";

    /// <summary>Whether hits are sampled into ring buffers (else only counted).</summary>
    public bool Sampling { get; }

    /// <summary>The threads with an event.</summary>
    public IReadOnlyList<int> Threads => _events.Select(e => e.Tid).ToList();

    /// <summary>Arms the breakpoint on the request's threads (every thread of the process when none are named).</summary>
    /// <exception cref="HwbpException">The request breaks an x86 rule, the process does not exist, a
    /// permission is missing, or the debug registers are taken (ENOSPC, "out of debug registers").</exception>
    public static PerfBreakpointWatch Arm(WatchRequest request, bool sampling = true, bool pinned = true) => Arm([request], sampling, pinned);

    /// <summary>Arms several breakpoints on one process: one event per breakpoint and thread. All or none.</summary>
    /// <exception cref="HwbpException">As for one breakpoint; the fifth on a thread is refused with ENOSPC.</exception>
    public static PerfBreakpointWatch Arm(IReadOnlyList<WatchRequest> requests, bool sampling = true, bool pinned = true)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            throw new ArgumentException("at least one breakpoint", nameof(requests));
        }

        foreach (var request in requests)
        {
            request.Validate();
        }

        var watch = new PerfBreakpointWatch(requests, sampling);
        try
        {
            for (var index = 0; index < requests.Count; index++)
            {
                var request = requests[index];
                var threads = request.Threads ?? TargetProcess.Threads(request.Pid);
                var attr = PerfEventAttr.Breakpoint((uint)request.Type, request.Address, X86BreakpointRules.KernelLength(request.Type, (ulong)request.Length), pinned);
                if (!sampling && request.Threads is null)
                {
                    // Counting events follow threads created later; the kernel refuses to mmap a
                    // ring buffer of an inherited per-task event, so sampling watches existing threads.
                    attr.Flags |= PerfEventAttr.Inherit;
                }

                if (sampling)
                {
                    attr.SamplePeriod = 1;
                    attr.WakeupEvents = 1;
                    attr.SampleType = PerfEventAttr.SampleIp | PerfEventAttr.SampleTid | PerfEventAttr.SampleTime | PerfEventAttr.SampleAddr | PerfEventAttr.SampleCpu;
                }

                foreach (var tid in threads)
                {
                    var fd = PerfEventSyscalls.Open(attr, tid, -1, string.Create(CultureInfo.InvariantCulture, $"breakpoint {index + 1} of {requests.Count}: {request}, thread {tid}"));
                    PerfRingBuffer? ring = null;
                    try
                    {
                        ring = sampling ? new PerfRingBuffer(fd) : null;
                    }
                    catch
                    {
                        PerfEventSyscalls.Close(fd);
                        throw;
                    }

                    watch._events.Add((tid, fd, ring));
                }
            }

            return watch;
        }
        catch
        {
            watch.Close();
            throw;
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<string> Describe() =>
        _requests.Select(r => string.Create(CultureInfo.InvariantCulture, $"perf_event_open breakpoint: {r}, threads {string.Join(',', _events.Select(e => e.Tid).Distinct())}, {(Sampling ? "sampling every hit" : "counting")}")).ToList();

    /// <summary>The total count of all events (hits the kernel counted).</summary>
    public ulong ReadCount() => _events.Aggregate(0UL, (sum, e) => sum + (PerfEventSyscalls.ReadCount(e.Fd) ?? 0));

    /// <summary>Reads the samples now in the ring buffers.</summary>
    public IReadOnlyList<BreakpointHit> Drain()
    {
        var hits = new List<BreakpointHit>();
        foreach (var (_, _, ring) in _events)
        {
            if (ring is null)
            {
                continue;
            }

            foreach (var sample in ring.Drain().Samples)
            {
                hits.Add(new BreakpointHit(sample.Address, sample.InstructionPointer, sample.Pid, sample.Tid));
                CountHit();
            }
        }

        return hits;
    }

    /// <inheritdoc />
    public override Task RunAsync(Action<BreakpointHit> onHit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onHit);
        return Task.Factory.StartNew(() => Loop(onHit, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <inheritdoc />
    public override ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

    /// <summary>Closes every event (the slots are released). Idempotent.</summary>
    public void Dispose() => Close();

    private void Loop(Action<BreakpointHit> onHit, CancellationToken cancellationToken)
    {
        var fds = new LibC.PollFd[_events.Count];
        while (!cancellationToken.IsCancellationRequested && Volatile.Read(ref _disposed) == 0)
        {
            for (var i = 0; i < fds.Length; i++)
            {
                fds[i] = new LibC.PollFd { Fd = _events[i].Fd, Events = PollIn };
            }

            int ready;
            fixed (LibC.PollFd* p = fds)
            {
                ready = LibC.Poll(p, (ulong)fds.Length, 200);
            }

            if (ready < 0 && (Errno)Marshal.GetLastPInvokeError() != Errno.EINTR)
            {
                throw NativeCallException.For("poll(perf breakpoint events)", (Errno)Marshal.GetLastPInvokeError());
            }

            foreach (var hit in Drain())
            {
                onHit(hit);
            }

            if (!TargetProcess.IsAlive(_requests[0].Pid) || (fds.Length > 0 && fds.All(f => (f.Revents & PollHup) != 0)))
            {
                foreach (var hit in Drain())
                {
                    onHit(hit);
                }

                EndReason = string.Create(CultureInfo.InvariantCulture, $"pid {_requests[0].Pid} exited");
                return;
            }
        }
    }

    private void Close()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var (_, fd, ring) in _events)
        {
            ring?.Dispose();
            PerfEventSyscalls.Close(fd);
        }
    }
}
