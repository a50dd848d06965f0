using Framework.Plugins.HwbpX86.Native;
using Framework.Plugins.HwbpX86.Plans;
using Framework.Plugins.HwbpX86.Slots;

namespace Framework.Plugins.HwbpX86.Tests;

/// <summary>Whether this kernel gives us PERF_TYPE_BREAKPOINT events, found by opening one; the
/// tests that need the real kernel skip with <see cref="Missing"/> otherwise.</summary>
internal static class KernelBreakpoints
{
    public static readonly string? Missing = Probe();

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            return "needs Linux on x86-64";
        }

        try
        {
            using var target = new KernelSlotTarget(CpuTopology.FromSystem());
            var check = target.Open("probe", null, "probe", HwBreakpointType.Write, target.AddressOf(0), 8, pinned: true);
            return check.Errno switch
            {
                Errno.None => null,
                Errno.EACCES or Errno.EPERM => $"perf_event_open of a breakpoint was refused ({check.Errno}): needs CAP_PERFMON or perf_event_paranoid <= 1",
                Errno.ENOENT => "this kernel has no breakpoint PMU (CONFIG_HAVE_HW_BREAKPOINT)",
                _ => $"perf_event_open of a breakpoint failed with {check.Errno}",
            };
        }
        catch (DllNotFoundException e)
        {
            return $"libc not found: {e.Message}";
        }
    }
}

/// <summary>A fact that needs the running kernel's breakpoint slots; skipped, saying what is missing.</summary>
public sealed class KernelSlotsFactAttribute : FactAttribute
{
    public KernelSlotsFactAttribute()
    {
        if (KernelBreakpoints.Missing is { } missing)
        {
            Skip = missing;
        }
    }

    /// <summary>The number of online CPUs the test needs; skipped, saying so, with fewer.</summary>
    public int MinimumCpus
    {
        get => field;
        set
        {
            field = value;
            if (Skip is null && CpuTopology.FromSystem().Online.Count < value)
            {
                Skip = $"needs {value} online CPUs";
            }
        }
    }
}

/// <summary>The kernel's slot accounting is one per machine: tests that use it run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KernelSlotsCollection
{
    public const string Name = "kernel breakpoint slots";
}
