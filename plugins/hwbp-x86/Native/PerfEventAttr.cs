using System.Runtime.InteropServices;

namespace Framework.Plugins.HwbpX86.Native;

/// <summary>The kernel's <c>struct perf_event_attr</c> up to <c>sig_data</c> (PERF_ATTR_SIZE_VER7,
/// 128 bytes), laid out as in include/uapi/linux/perf_event.h.</summary>
[StructLayout(LayoutKind.Sequential, Size = 128)]
internal struct PerfEventAttr
{
    public const uint TypeBreakpoint = 5;
    public const uint Size128 = 128;

    // Bits of Flags, in the order of the bit-field in perf_event.h.
    public const ulong Disabled = 1UL << 0;
    public const ulong Inherit = 1UL << 1;
    public const ulong Pinned = 1UL << 2;
    public const ulong ExcludeKernel = 1UL << 5;
    public const ulong ExcludeHv = 1UL << 6;
    public const ulong SampleIdAll = 1UL << 18;
    public const ulong RemoveOnExec = 1UL << 36;
    public const ulong SigTrap = 1UL << 37;

    // sample_type bits.
    public const ulong SampleIp = 1UL << 0;
    public const ulong SampleTid = 1UL << 1;
    public const ulong SampleTime = 1UL << 2;
    public const ulong SampleAddr = 1UL << 3;
    public const ulong SampleCpu = 1UL << 7;

    public uint Type;
    public uint AttrSize;
    public ulong Config;
    public ulong SamplePeriod;
    public ulong SampleType;
    public ulong ReadFormat;
    public ulong Flags;
    public uint WakeupEvents;
    public uint BpType;
    public ulong BpAddr;
    public ulong BpLen;
    public ulong BranchSampleType;
    public ulong SampleRegsUser;
    public uint SampleStackUser;
    public int ClockId;
    public ulong SampleRegsIntr;
    public uint AuxWatermark;
    public ushort SampleMaxStack;
    public ushort Reserved2;
    public uint AuxSampleSize;
    public uint Reserved3;
    public ulong SigData;

    /// <summary>A user-space hardware breakpoint in counting mode.</summary>
    public static PerfEventAttr Breakpoint(uint bpType, ulong address, ulong length, bool pinned) => new()
    {
        Type = TypeBreakpoint,
        AttrSize = Size128,
        BpType = bpType,
        BpAddr = address,
        BpLen = length,
        Flags = ExcludeKernel | ExcludeHv | (pinned ? Pinned : 0),
    };
}
