using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Framework.Plugins.HwbpX86.Perf;
using Framework.Plugins.HwbpX86.Slots;
using Framework.Plugins.HwbpX86.Watching;

namespace Framework.Plugins.HwbpX86.Tests.Perf;

/// <summary>The perf backend's delivery modes on this machine (which accounts breakpoints but never
/// delivers a trap): arming and the signal path. Delivered hits in every mode are counted exactly in
/// the kernel lab (Lab/HwbpLabTests).</summary>
[Collection(KernelSlotsCollection.Name)]
public sealed class PerfHitDeliveryTests
{
    [KernelSlotsFact]
    public unsafe void Signal_mode_owns_its_real_time_signal_so_a_delivered_one_is_counted_and_does_not_end_the_process()
    {
        var variable = (long*)NativeMemory.AlignedAlloc(8, 8);
        try
        {
            var tid = int.Parse(Path.GetFileName(new DirectoryInfo("/proc/thread-self").LinkTarget!), CultureInfo.InvariantCulture);
            using var watch = PerfBreakpointWatch.Arm(new WatchRequest(Environment.ProcessId, (ulong)variable, 8, HwBreakpointType.Write, [tid]), PerfHitDelivery.Signal);
            Assert.Contains($"signal {PerfBreakpointWatch.HitSignal} on every hit", watch.Describe()[0], StringComparison.Ordinal);

            // The signal the kernel's fasync would send on a hit, sent by hand: the runtime's default
            // for an unhandled real-time signal would end this process.
            using (var kill = Process.Start("kill", [$"-{PerfBreakpointWatch.HitSignal}", Environment.ProcessId.ToString(CultureInfo.InvariantCulture)]))
            {
                kill.WaitForExit();
            }

            Assert.True(SpinWait.SpinUntil(() => watch.Signals == 1, TimeSpan.FromSeconds(10)), $"{watch.Signals} signals");
            Assert.Empty(watch.ReadNewCounts());
            Assert.Contains("woken by 1 signal(s)", watch.Summary, StringComparison.Ordinal);
        }
        finally
        {
            NativeMemory.AlignedFree(variable);
        }
    }
}
