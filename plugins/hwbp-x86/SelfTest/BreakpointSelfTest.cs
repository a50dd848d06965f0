using System.Globalization;
using System.Runtime.InteropServices;
using Framework.Plugins.HwbpX86.Native;
using Framework.Plugins.HwbpX86.Perf;
using Framework.Plugins.HwbpX86.Slots;
using Framework.Plugins.HwbpX86.Watching;

namespace Framework.Plugins.HwbpX86.SelfTest;

/// <summary>
/// Arms a write watchpoint on a variable of this process (perf_event_open on one thread, sampling),
/// writes to it from that thread, and reports whether the writes were delivered as hits. A kernel
/// accepts and accounts the breakpoint even where the (virtual) machine never raises the debug
/// exception; only this test tells the two apart.
/// </summary>
public static class BreakpointSelfTest
{
    /// <summary>The sentence every watching command prints where traps are not delivered.</summary>
    public const string NotDelivered = "hardware debug traps are NOT delivered on this machine: the kernel accepts and accounts breakpoints (perf_event_open succeeds), but writes to a watched variable raise no debug exception, so no watch here will ever show a hit (typical of a hypervisor that does not pass the debug registers through)";

    private static SelfTestResult? _cached;

    /// <summary>Runs the test (about a millisecond) on a thread of its own.</summary>
    public static SelfTestResult Run(int writes = 16)
    {
        SelfTestResult? result = null;
        var thread = new Thread(() => result = RunOnThisThread(writes)) { IsBackground = true, Name = "hwbp selftest" };
        thread.Start();
        thread.Join();
        _cached = result;
        return result!;
    }

    /// <summary>The last result, or a fresh run.</summary>
    public static SelfTestResult Cached() => _cached ?? Run();

    private static unsafe SelfTestResult RunOnThisThread(int writes)
    {
        WatchedVariable page;
        try
        {
            // A page of its own: with a heap variable, runtime code on this thread was trapped too (WatchedVariable).
            page = new WatchedVariable();
        }
        catch (HwbpException e)
        {
            return new SelfTestResult(false, false, 0, 0, 0, 0, LibC.GetTid(), null, $"could not map the watched variable: {e.Message}", e.Message);
        }

        var variable = page.Pointer;
        var tid = LibC.GetTid();
        var address = page.Address;
        using (page)
        {
            PerfBreakpointWatch watch;
            try
            {
                watch = PerfBreakpointWatch.Arm(new WatchRequest(Environment.ProcessId, address, 8, HwBreakpointType.Write, [tid]), PerfHitDelivery.Sample);
            }
            catch (HwbpException e)
            {
                return new SelfTestResult(false, false, 0, 0, 0, address, tid, null, $"could not arm a watchpoint: {e.Message}", e.Message);
            }

            using (watch)
            {
                // The count is read before and after the writes and the samples are matched to this
                // thread and this address, so that the reported figures are this loop's hits only;
                // whatever else the kernel recorded is reported apart, never added in.
                var before = watch.ReadCount();
                Write(variable, writes);
                var after = watch.ReadCount();
                var hits = watch.Drain();
                var own = hits.Where(h => h.Tid == tid && h.Address == address).ToList();
                var counted = after - before;
                var delivered = counted > 0 || own.Count > 0;
                var result = new SelfTestResult(true, delivered, writes, counted, own.Count, address, tid, own.Count > 0 ? own[0].InstructionPointer : null, NotDelivered, null)
                {
                    CountedBeforeWrites = before,
                    ForeignSamples = hits.Count - own.Count,
                    LostRecords = watch.LostRecords,
                };
                return result with { Verdict = Verdict(result) };
            }
        }
    }

    // One store per iteration and nothing else touching the variable: not inlined, so the loop's
    // code is the same whether the caller was jitted, tiered up or precompiled.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static unsafe void Write(long* variable, int writes)
    {
        for (var i = 1; i <= writes; i++)
        {
            Volatile.Write(ref *variable, i);
        }
    }

    private static string Verdict(SelfTestResult result)
    {
        if (!result.Delivered)
        {
            return NotDelivered;
        }

        var figures = string.Create(CultureInfo.InvariantCulture, $"{result.Writes} writes to the watched variable gave {result.Counted} counted hits and {result.Sampled} samples");
        if (result.Exact)
        {
            return $"hardware breakpoints work here: {figures}";
        }

        // Delivered but not one-to-one: say which figure is off and what that means, rather than
        // report a count the writes do not explain.
        var notes = new List<string>();
        if (result.Counted != (ulong)result.Writes)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"the kernel counted {result.Counted} hits for {result.Writes} writes"));
        }

        if (result.Sampled != result.Writes)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{result.Sampled} samples for {result.Writes} writes"));
        }

        if (result.CountedBeforeWrites != 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{result.CountedBeforeWrites} hits counted between arming and the first write (not included)"));
        }

        if (result.ForeignSamples != 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{result.ForeignSamples} samples from another thread or address (not included)"));
        }

        if (result.LostRecords != 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{result.LostRecords} ring-buffer records lost"));
        }

        return $"hardware breakpoints work here, but not one hit per write: {figures}; {string.Join("; ", notes)} (debug traps that the (virtual) CPU raised more or less often than the program wrote; samples are one per trap the kernel handled, so they are the figure to trust)";
    }
}
