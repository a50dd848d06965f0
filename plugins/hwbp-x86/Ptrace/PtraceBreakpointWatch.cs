using System.Globalization;
using Framework.Plugins.HwbpX86.Arch;
using Framework.Plugins.HwbpX86.Native;
using Framework.Plugins.HwbpX86.Watching;

namespace Framework.Plugins.HwbpX86.Ptrace;

/// <summary>
/// Breakpoints programmed straight into a traced process's debug registers: PTRACE_SEIZE every
/// thread, stop it (PTRACE_INTERRUPT), write DR0 to DR3 and DR7 through PTRACE_POKEUSER and read DR7
/// back through PTRACE_PEEKUSER, continue; on each SIGTRAP read DR6 to tell which register fired,
/// report, clear DR6 and continue; other signals are passed on. Stopping (or Ctrl+C, which cancels)
/// stops every thread, clears the registers this watch set and detaches, so the process runs on.
/// All ptrace calls come from one dedicated thread, as the kernel requires.
/// </summary>
public sealed class PtraceBreakpointWatch : BreakpointWatch
{
    private readonly IReadOnlyList<WatchRequest> _requests;
    private readonly int _pid;
    private readonly Dictionary<int, int> _slotOfRequest = [];
    private readonly HashSet<int> _threads = [];
    private readonly TaskCompletionSource _armed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ManualResetEventSlim _go = new();
    private readonly CancellationTokenSource _stop = new();
    private Action<BreakpointHit>? _onHit;
    private Thread? _thread;
    private Dr7 _dr7;

    private PtraceBreakpointWatch(IReadOnlyList<WatchRequest> requests)
    {
        _requests = requests;
        _pid = requests[0].Pid;
    }

    /// <inheritdoc />
    public override string Backend => "ptrace";

    /// <summary>The DR7 value programmed into (and read back from) the threads.</summary>
    public Dr7 Dr7 => _dr7;

    /// <summary>The debug register (0 to 3) of each request, in request order.</summary>
    public IReadOnlyList<int> Slots => _requests.Select((_, i) => _slotOfRequest[i]).ToList();

    /// <summary>Attaches to the process and programs one debug register per request.</summary>
    /// <exception cref="HwbpException">An x86 rule is broken, there are more requests than free
    /// debug registers ("out of debug registers"), the process does not exist, or ptrace is not
    /// permitted. Nothing stays attached.</exception>
    public static PtraceBreakpointWatch Arm(IReadOnlyList<WatchRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            throw new ArgumentException("at least one breakpoint", nameof(requests));
        }

        foreach (var request in requests)
        {
            request.Validate();
            if (request.Pid != requests[0].Pid)
            {
                throw new HwbpException(Errno.EINVAL, "one ptrace watch follows one process");
            }
        }

        if (requests.Count > X86BreakpointRules.DebugRegisterCount)
        {
            throw new HwbpException(Errno.ENOSPC, string.Create(CultureInfo.InvariantCulture,
                $"out of debug registers: {requests.Count} breakpoints asked for, x86 has {X86BreakpointRules.DebugRegisterCount} (DR0 to DR3); breakpoint {X86BreakpointRules.DebugRegisterCount + 1} ({requests[X86BreakpointRules.DebugRegisterCount]}) has no register"));
        }

        if (requests[0].Pid == Environment.ProcessId)
        {
            throw new HwbpException(Errno.EPERM, "ptrace cannot trace its own process; use the perf backend to watch this process");
        }

        var watch = new PtraceBreakpointWatch(requests);
        watch._thread = new Thread(watch.Tracer) { IsBackground = true, Name = $"hwbp ptrace {requests[0].Pid}" };
        watch._thread.Start();
        try
        {
            watch._armed.Task.GetAwaiter().GetResult();
        }
        catch
        {
            watch._thread.Join();
            throw;
        }

        return watch;
    }

    /// <inheritdoc />
    public override IReadOnlyList<string> Describe() => _requests.Select((r, i) => string.Create(CultureInfo.InvariantCulture,
        $"ptrace DR{_slotOfRequest[i]}: {r}, threads {string.Join(',', _threads)}, DR7 {_dr7}")).ToList();

    /// <inheritdoc />
    public override Task RunAsync(Action<BreakpointHit> onHit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onHit);
        _onHit = onHit;
        cancellationToken.Register(() => _stop.Cancel());
        _go.Set();
        return _finished.Task;
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _go.Set();
        if (_thread is not null && _thread.IsAlive)
        {
            await _finished.Task.ConfigureAwait(false);
        }

        _go.Dispose();
        _stop.Dispose();
    }

    private void Tracer()
    {
        try
        {
            Attach();
        }
        catch (Exception e)
        {
            DetachAll();
            _finished.TrySetResult();
            _armed.TrySetException(e);
            return;
        }

        _armed.TrySetResult();
        _go.Wait();
        try
        {
            if (!_stop.IsCancellationRequested)
            {
                ContinueAll();
                Trace();
            }

            DetachAll();
            _finished.TrySetResult();
        }
        catch (Exception e)
        {
            DetachAll();
            _finished.TrySetException(e);
        }
    }

    private void Attach()
    {
        var tids = _requests[0].Threads ?? TargetProcess.Threads(_pid);
        foreach (var tid in tids)
        {
            var errno = PtraceSyscalls.TryCall(PtraceSyscalls.Seize, tid, 0, 0);
            if (errno == Errno.ESRCH && _threads.Count > 0)
            {
                continue; // a thread that ended while we attached
            }

            if (errno != Errno.None)
            {
                var operation = string.Create(CultureInfo.InvariantCulture, $"ptrace(PTRACE_SEIZE, pid {_pid} thread {tid})");

                // One errno for many causes: the facts read now (from this thread, whose credentials
                // the kernel checked) tell Yama from another user, more capabilities or a second tracer.
                throw errno == Errno.EPERM
                    ? PtraceRefusal.Classify(_pid, tid, PtraceAccessFacts.Read(_pid, tid)).ToException(operation)
                    : NativeCallException.For(operation, errno);
            }

            _threads.Add(tid);
            PtraceSyscalls.Call(PtraceSyscalls.Interrupt, tid, 0, 0, "PTRACE_INTERRUPT");
            WaitForStop(tid);
        }

        // Registers another debugger (or a perf event) already uses stay theirs.
        var first = _threads.First();
        var current = new Dr7(PtraceSyscalls.Peek(first, PtraceSyscalls.DebugRegister(7), "DR7"));
        var free = Enumerable.Range(0, X86BreakpointRules.DebugRegisterCount).Where(i => !current.IsEnabled(i)).ToList();
        if (free.Count < _requests.Count)
        {
            throw new HwbpException(Errno.ENOSPC, string.Create(CultureInfo.InvariantCulture,
                $"out of debug registers: pid {_pid} already uses {X86BreakpointRules.DebugRegisterCount - free.Count} of DR0 to DR3 (DR7 {current}), {_requests.Count} more asked for"));
        }

        var dr7 = current;
        for (var i = 0; i < _requests.Count; i++)
        {
            var request = _requests[i];
            var slot = free[i];
            _slotOfRequest[i] = slot;
            var (condition, length) = Dr7.Encode(request.Type, request.Length);
            dr7 = dr7.Enable(slot, condition, length);
        }

        foreach (var tid in _threads)
        {
            for (var i = 0; i < _requests.Count; i++)
            {
                PtraceSyscalls.Call(PtraceSyscalls.PokeUser, tid, PtraceSyscalls.DebugRegister(_slotOfRequest[i]), (nint)_requests[i].Address, $"PTRACE_POKEUSER DR{_slotOfRequest[i]}");
            }

            PtraceSyscalls.Call(PtraceSyscalls.PokeUser, tid, PtraceSyscalls.DebugRegister(7), (nint)dr7.Value, "PTRACE_POKEUSER DR7");
            var readBack = PtraceSyscalls.Peek(tid, PtraceSyscalls.DebugRegister(7), "DR7");
            if (readBack != dr7.Value)
            {
                throw new HwbpException(Errno.EIO, string.Create(CultureInfo.InvariantCulture, $"thread {tid}: DR7 reads back as 0x{readBack:x}, 0x{dr7.Value:x} was written"));
            }
        }

        _dr7 = dr7;
    }

    private void WaitForStop(int tid)
    {
        var deadline = Environment.TickCount64 + 5000;
        while (true)
        {
            var (pid, status, errno) = PtraceSyscalls.Wait(tid, block: false);
            if (errno == Errno.EINTR || (errno == Errno.None && pid == 0))
            {
                if (Environment.TickCount64 > deadline)
                {
                    throw new HwbpException(Errno.EAGAIN, string.Create(CultureInfo.InvariantCulture, $"pid {_pid} thread {tid} did not stop within 5 s of PTRACE_INTERRUPT"));
                }

                Thread.Sleep(1);
                continue;
            }

            if (errno != Errno.None || pid != tid || !PtraceSyscalls.Stopped(status))
            {
                throw new HwbpException(errno == Errno.None ? Errno.ESRCH : errno, string.Create(CultureInfo.InvariantCulture, $"pid {_pid} thread {tid} ended while being attached"));
            }

            if (PtraceSyscalls.StopEvent(status) == PtraceSyscalls.EventStop)
            {
                return;
            }

            // A signal arrived before our interrupt: deliver it and wait for the interrupt stop.
            PtraceSyscalls.Call(PtraceSyscalls.Cont, tid, 0, PtraceSyscalls.StopSignal(status), "PTRACE_CONT");
        }
    }

    private void ContinueAll()
    {
        foreach (var tid in _threads)
        {
            PtraceSyscalls.TryCall(PtraceSyscalls.Cont, tid, 0, 0);
        }
    }

    private void Trace()
    {
        while (!_stop.IsCancellationRequested)
        {
            var any = false;
            foreach (var tid in _threads.ToList())
            {
                var (pid, status, errno) = PtraceSyscalls.Wait(tid, block: false);
                if (errno == Errno.ECHILD)
                {
                    _threads.Remove(tid);
                    continue;
                }

                if (pid != tid)
                {
                    continue;
                }

                any = true;
                if (PtraceSyscalls.Exited(status) || PtraceSyscalls.Signaled(status))
                {
                    _threads.Remove(tid);
                    continue;
                }

                if (PtraceSyscalls.Stopped(status))
                {
                    OnStop(tid, status);
                }
            }

            if (_threads.Count == 0)
            {
                EndReason = string.Create(CultureInfo.InvariantCulture, $"pid {_pid} exited");
                return;
            }

            if (!any)
            {
                _stop.Token.WaitHandle.WaitOne(10);
            }
        }
    }

    private void OnStop(int tid, int status)
    {
        var signal = PtraceSyscalls.StopSignal(status);
        var stopEvent = PtraceSyscalls.StopEvent(status);
        if (stopEvent == PtraceSyscalls.EventStop)
        {
            // A group-stop (SIGSTOP and friends) under PTRACE_SEIZE: keep it stopped, still traced.
            var request = signal is PtraceSyscalls.SigStop or 20 or 21 or 22 ? PtraceSyscalls.Listen : PtraceSyscalls.Cont;
            PtraceSyscalls.TryCall(request, tid, 0, 0);
            return;
        }

        if (signal == PtraceSyscalls.SigTrap)
        {
            var dr6 = new Dr6(PtraceSyscalls.Peek(tid, PtraceSyscalls.DebugRegister(6), "DR6"));
            var ours = _slotOfRequest.Where(s => dr6.Triggered(s.Value)).ToList();
            if (ours.Count > 0)
            {
                var rip = PtraceSyscalls.Peek(tid, PtraceSyscalls.RipOffset, "rip");
                foreach (var (request, slot) in ours)
                {
                    CountHit();
                    _onHit?.Invoke(new BreakpointHit(_requests[request].Address, rip, _pid, tid, slot, dr6.Value));
                }

                PtraceSyscalls.TryCall(PtraceSyscalls.PokeUser, tid, PtraceSyscalls.DebugRegister(6), 0);
                PtraceSyscalls.TryCall(PtraceSyscalls.Cont, tid, 0, 0);
                return;
            }
        }

        PtraceSyscalls.TryCall(PtraceSyscalls.Cont, tid, 0, signal);
    }

    private void DetachAll()
    {
        foreach (var tid in _threads.ToList())
        {
            var pending = 0;
            if (PtraceSyscalls.TryCall(PtraceSyscalls.Interrupt, tid, 0, 0) == Errno.None)
            {
                // Wait for the thread to stop; a signal that arrives first is handed back on detach.
                var deadline = Environment.TickCount64 + 5000;
                while (Environment.TickCount64 < deadline)
                {
                    var (pid, status, errno) = PtraceSyscalls.Wait(tid, block: false);
                    if (errno == Errno.EINTR || (errno == Errno.None && pid == 0))
                    {
                        Thread.Sleep(1);
                        continue;
                    }

                    if (errno != Errno.None || pid != tid || !PtraceSyscalls.Stopped(status))
                    {
                        break;
                    }

                    if (PtraceSyscalls.StopEvent(status) == PtraceSyscalls.EventStop)
                    {
                        break;
                    }

                    var signal = PtraceSyscalls.StopSignal(status);
                    if (signal != PtraceSyscalls.SigTrap)
                    {
                        pending = signal;
                    }

                    PtraceSyscalls.TryCall(PtraceSyscalls.Cont, tid, 0, 0);
                }
            }

            // Disable in DR7 first, then clear the addresses of the registers this watch used.
            var cleared = _slotOfRequest.Values.Aggregate(_dr7, (dr7, slot) => dr7.Disable(slot));
            if (_slotOfRequest.Count > 0)
            {
                PtraceSyscalls.TryCall(PtraceSyscalls.PokeUser, tid, PtraceSyscalls.DebugRegister(7), (nint)cleared.Value);
            }

            foreach (var slot in _slotOfRequest.Values)
            {
                PtraceSyscalls.TryCall(PtraceSyscalls.PokeUser, tid, PtraceSyscalls.DebugRegister(slot), 0);
            }

            PtraceSyscalls.TryCall(PtraceSyscalls.Detach, tid, 0, pending);
            _threads.Remove(tid);
        }
    }
}
