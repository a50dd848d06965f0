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
        var variable = (long*)NativeMemory.AlignedAlloc(64, 64);
        var tid = LibC.GetTid();
        var address = (ulong)variable;
        try
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
                for (var i = 1; i <= writes; i++)
                {
                    Volatile.Write(ref *variable, i);
                }

                var counted = watch.ReadCount();
                var samples = watch.Drain();
                var delivered = counted > 0 || samples.Count > 0;
                var verdict = delivered
                    ? string.Create(CultureInfo.InvariantCulture, $"hardware breakpoints work here: {writes} writes to the watched variable gave {counted} counted hits and {samples.Count} samples")
                    : NotDelivered;
                return new SelfTestResult(true, delivered, writes, counted, samples.Count, address, tid, samples.Count > 0 ? samples[0].InstructionPointer : null, verdict, null);
            }
        }
        finally
        {
            NativeMemory.AlignedFree(variable);
        }
    }
}
