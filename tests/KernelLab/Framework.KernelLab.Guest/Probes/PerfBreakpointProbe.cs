using System.Runtime.InteropServices;
using Framework.KernelLab.Guest.Native;

namespace Framework.KernelLab.Guest.Probes;

/// <summary>Hardware watchpoints through perf_event_open(PERF_TYPE_BREAKPOINT) on this process's own
/// native memory, in counting mode: a write watchpoint must count exactly the writes made, a
/// read-write one the reads too. Nothing else touches that memory, so the counts are exact.</summary>
internal static unsafe class PerfBreakpointProbe
{
    public const int Writes = 5;
    public const int RwWrites = 3;
    public const int RwReads = 4;

    private const uint PerfTypeBreakpoint = 5;
    private const uint HwBreakpointW = 2;
    private const uint HwBreakpointRw = 3;
    private const ulong ExcludeKernel = 1 << 5;
    private const ulong ExcludeHv = 1 << 6;

    // struct perf_event_attr up to PERF_ATTR_SIZE_VER5 (112 bytes), the fields a breakpoint uses.
    [StructLayout(LayoutKind.Explicit, Size = 112)]
    private struct PerfEventAttr
    {
        [FieldOffset(0)] public uint Type;
        [FieldOffset(4)] public uint Size;
        [FieldOffset(40)] public ulong Flags;
        [FieldOffset(52)] public uint BpType;
        [FieldOffset(56)] public ulong BpAddr;
        [FieldOffset(64)] public ulong BpLen;
    }

    public static IReadOnlyDictionary<string, object?> Run()
    {
        var word = (long*)NativeMemory.AlignedAlloc(8, 8);
        try
        {
            *word = 0;
            var findings = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["address"] = $"0x{(ulong)word:x}",
            };

            var fd = Open(word, HwBreakpointW);
            for (var i = 0; i < Writes; i++)
            {
                Volatile.Write(ref *word, i);
            }

            findings["writeWatchpointWrites"] = Writes;
            findings["writeWatchpointCount"] = LibC.ReadInt64(fd, "read of the write watchpoint's count");
            LibC.Close(fd);

            fd = Open(word, HwBreakpointRw);
            long sum = 0;
            for (var i = 0; i < RwWrites; i++)
            {
                Volatile.Write(ref *word, i);
            }

            for (var i = 0; i < RwReads; i++)
            {
                sum += Volatile.Read(ref *word);
            }

            findings["readWriteWatchpointAccesses"] = RwWrites + RwReads;
            findings["readWriteWatchpointCount"] = LibC.ReadInt64(fd, "read of the read-write watchpoint's count");
            findings["sum"] = sum;
            LibC.Close(fd);
            return findings;
        }
        finally
        {
            NativeMemory.AlignedFree(word);
        }
    }

    private static int Open(long* address, uint type)
    {
        var attr = new PerfEventAttr
        {
            Type = PerfTypeBreakpoint,
            Size = (uint)sizeof(PerfEventAttr),
            Flags = ExcludeKernel | ExcludeHv,
            BpType = type,
            BpAddr = (ulong)address,
            BpLen = 8,
        };
        return LibC.PerfEventOpen(&attr, pid: 0, cpu: -1, groupFd: -1, flags: 0);
    }
}
