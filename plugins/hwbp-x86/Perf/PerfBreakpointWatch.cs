using System.Globalization;
using System.Runtime.InteropServices;
using Framework.Plugins.HwbpX86.Arch;
using Framework.Plugins.HwbpX86.Native;
using Framework.Plugins.HwbpX86.Watching;

namespace Framework.Plugins.HwbpX86.Perf;

/// <summary>
/// A breakpoint through perf_event_open (<c>PERF_TYPE_BREAKPOINT</c>), one event per watched thread.
/// Hits reach the watcher as <see cref="PerfHitDelivery"/> says: samples in each event's mmap ring
/// buffer (instruction pointer, thread, address), counts read from the events, or a signal per hit
/// after which the counts are read. Counting and signalling watches of every thread are inherited by
/// threads created later; sampling watches the threads that exist when it is armed (the kernel does
/// not mmap inherited per-task events).
/// </summary>
public sealed unsafe class PerfBreakpointWatch : BreakpointWatch, IDisposable
{
    /// <summary>The signal of <see cref="PerfHitDelivery.Signal"/>: a real-time signal (queued once
    /// per hit, never merged) above the ones the C library and the .NET runtime keep for themselves.</summary>
    public const int HitSignal = 42;

    private const short PollIn = 1;
    private const short PollHup = 0x10;
    private readonly List<PerfBreakpointEvent> _events = [];
    private readonly IReadOnlyList<WatchRequest> _requests;
    private readonly SemaphoreSlim _signalled = new(0);
    private PosixSignalRegistration? _signalRegistration;
    private long _signals;
    private int _disposed;

    private PerfBreakpointWatch(IReadOnlyList<WatchRequest> requests, PerfHitDelivery delivery)
    {
        _requests = requests;
        Delivery = delivery;
    }

    /// <summary>How hits are delivered.</summary>
    public PerfHitDelivery Delivery { get; }

    /// <summary>Whether hits are sampled into ring buffers.</summary>
    public bool Sampling => Delivery == PerfHitDelivery.Sample;

    /// <summary>Signals received so far (<see cref="PerfHitDelivery.Signal"/>).</summary>
    public long Signals => Interlocked.Read(ref _signals);

    /// <summary>Records the kernel could not put into the ring buffers so far (PERF_RECORD_LOST).</summary>
    public ulong LostRecords { get; private set; }

    /// <summary>The threads with an event.</summary>
    public IReadOnlyList<int> Threads => _events.Select(e => e.Tid).ToList();

    /// <inheritdoc />
    public override string Summary => Delivery == PerfHitDelivery.Signal
        ? string.Create(CultureInfo.InvariantCulture, $"{base.Summary}, woken by {Signals} signal(s) {HitSignal}")
        : base.Summary;

    /// <summary>Arms the breakpoint on the request's threads (every thread of the process when none are named).</summary>
    /// <exception cref="HwbpException">The request breaks an x86 rule, the process does not exist, a
    /// permission is missing, or the debug registers are taken (ENOSPC, "out of debug registers").</exception>
    public static PerfBreakpointWatch Arm(WatchRequest request, PerfHitDelivery delivery = PerfHitDelivery.Sample, bool pinned = true) => Arm([request], delivery, pinned);

    /// <summary>Arms several breakpoints on one process: one event per breakpoint and thread. All or none.</summary>
    /// <exception cref="HwbpException">As for one breakpoint; the fifth on a thread is refused with ENOSPC.</exception>
    public static PerfBreakpointWatch Arm(IReadOnlyList<WatchRequest> requests, PerfHitDelivery delivery = PerfHitDelivery.Sample, bool pinned = true)
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

        var watch = new PerfBreakpointWatch(requests, delivery);
        try
        {
            if (delivery == PerfHitDelivery.Signal)
            {
                // Registered before any event can fire: the runtime's default for an unhandled
                // real-time signal is to end the process.
                watch._signalRegistration = PosixSignalRegistration.Create((PosixSignal)HitSignal, watch.OnSignal);
            }

            for (var index = 0; index < requests.Count; index++)
            {
                var request = requests[index];
                var threads = request.Threads ?? TargetProcess.Threads(request.Pid);
                var attr = PerfEventAttr.Breakpoint((uint)request.Type, request.Address, X86BreakpointRules.KernelLength(request.Type, (ulong)request.Length), pinned);
                if (delivery != PerfHitDelivery.Sample && request.Threads is null)
                {
                    // Counts follow threads created later; the kernel refuses to mmap a ring buffer
                    // of an inherited per-task event, so sampling watches existing threads.
                    attr.Flags |= PerfEventAttr.Inherit;
                }

                if (delivery != PerfHitDelivery.Count)
                {
                    // Every hit overflows the period of 1: a sample, or (without a ring buffer) the
                    // fasync signal that the overflow handler raises.
                    attr.SamplePeriod = 1;
                    attr.WakeupEvents = 1;
                }

                if (delivery == PerfHitDelivery.Sample)
                {
                    attr.SampleType = PerfEventAttr.SampleIp | PerfEventAttr.SampleTid | PerfEventAttr.SampleTime | PerfEventAttr.SampleAddr | PerfEventAttr.SampleCpu;
                }

                foreach (var tid in threads)
                {
                    var fd = PerfEventSyscalls.Open(attr, tid, -1, string.Create(CultureInfo.InvariantCulture, $"breakpoint {index + 1} of {requests.Count}: {request}, thread {tid}"));
                    PerfRingBuffer? ring = null;
                    try
                    {
                        if (delivery == PerfHitDelivery.Sample)
                        {
                            ring = new PerfRingBuffer(fd);
                        }
                        else if (delivery == PerfHitDelivery.Signal)
                        {
                            PerfEventSyscalls.SignalOwner(fd, HitSignal);
                        }
                    }
                    catch
                    {
                        PerfEventSyscalls.Close(fd);
                        throw;
                    }

                    watch._events.Add(new PerfBreakpointEvent(index, tid, fd, ring));
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
    public override string Backend => "perf";

    /// <inheritdoc />
    public override IReadOnlyList<string> Describe() =>
        _requests.Select(r => string.Create(CultureInfo.InvariantCulture, $"perf_event_open breakpoint: {r}, threads {string.Join(',', _events.Select(e => e.Tid).Distinct())}, {Delivery switch { PerfHitDelivery.Sample => "sampling every hit", PerfHitDelivery.Signal => $"counting, signal {HitSignal} on every hit", _ => "counting" }}")).ToList();

    /// <summary>The total count of all events (hits the kernel counted).</summary>
    public ulong ReadCount() => _events.Aggregate(0UL, (sum, e) => sum + (PerfEventSyscalls.ReadCount(e.Fd) ?? 0));

    /// <summary>Reads every event's count and reports the hits since the last read: one per new
    /// count, with the breakpoint's address and the event's thread (a count has no instruction pointer).</summary>
    public IReadOnlyList<BreakpointHit> ReadNewCounts()
    {
        var hits = new List<BreakpointHit>();
        foreach (var e in _events)
        {
            var count = PerfEventSyscalls.ReadCount(e.Fd) ?? e.Reported;
            var request = _requests[e.Request];
            for (; e.Reported < count; e.Reported++)
            {
                hits.Add(new BreakpointHit(request.Address, 0, request.Pid, e.Tid));
                CountHit();
            }
        }

        return hits;
    }

    /// <summary>Reads the samples now in the ring buffers.</summary>
    public IReadOnlyList<BreakpointHit> Drain()
    {
        var hits = new List<BreakpointHit>();
        foreach (var ring in _events.Select(e => e.Ring))
        {
            if (ring is null)
            {
                continue;
            }

            var drained = ring.Drain();
            LostRecords += drained.Lost;
            foreach (var sample in drained.Samples)
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

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        Interlocked.Increment(ref _signals);
        _signalled.Release();
    }

    private IReadOnlyList<BreakpointHit> Collect() => Delivery == PerfHitDelivery.Sample ? Drain() : ReadNewCounts();

    private void Loop(Action<BreakpointHit> onHit, CancellationToken cancellationToken)
    {
        var fds = new LibC.PollFd[_events.Count];
        while (!cancellationToken.IsCancellationRequested && Volatile.Read(ref _disposed) == 0)
        {
            for (var i = 0; i < fds.Length; i++)
            {
                fds[i] = new LibC.PollFd { Fd = _events[i].Fd, Events = PollIn };
            }

            if (Delivery != PerfHitDelivery.Sample)
            {
                // Without a ring buffer poll(2) says POLLHUP at once, so there is nothing to poll:
                // signal mode is woken by the hit's signal, count mode reads every 200 ms, and the
                // timeout notices a target that exited.
                _signalled.Wait(200, CancellationToken.None);
                fds.AsSpan().Clear();
            }
            else
            {
                int ready;
                fixed (LibC.PollFd* p = fds)
                {
                    ready = LibC.Poll(p, (ulong)fds.Length, 200);
                }

                if (ready < 0 && (Errno)Marshal.GetLastPInvokeError() != Errno.EINTR)
                {
                    throw NativeCallException.For("poll(perf breakpoint events)", (Errno)Marshal.GetLastPInvokeError());
                }
            }

            foreach (var hit in Collect())
            {
                onHit(hit);
            }

            if (!TargetProcess.IsAlive(_requests[0].Pid) || (fds.Length > 0 && fds.All(f => (f.Revents & PollHup) != 0)))
            {
                foreach (var hit in Collect())
                {
                    onHit(hit);
                }

                EndReason = string.Create(CultureInfo.InvariantCulture, $"pid {_requests[0].Pid} exited");
                return;
            }
        }

        // Stopped (Ctrl+C, --count, --duration): what the kernel recorded up to now is still reported.
        if (Volatile.Read(ref _disposed) == 0)
        {
            foreach (var hit in Collect())
            {
                onHit(hit);
            }
        }
    }

    private void Close()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var e in _events)
        {
            e.Ring?.Dispose();
            PerfEventSyscalls.Close(e.Fd);
        }

        // After the events are closed no new signal is raised; one already queued is still handled
        // as ours until the registration goes.
        _signalRegistration?.Dispose();
    }
}
