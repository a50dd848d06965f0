using System.Runtime.InteropServices;

namespace Framework.TestPlugins.Probe.Native;

/// <summary>The system calls the probes make, each wrapped once; results are errno (0 on success).</summary>
internal static partial class ProbeSyscalls
{
    private const long SysBpf = 321; // x86_64
    private const int BpfMapCreate = 0;
    private const int BpfMapTypeArray = 2;

    /// <summary>bpf(BPF_MAP_CREATE) of a one-entry array map; the map is closed at once.</summary>
    public static unsafe int CreateArrayMap()
    {
        // union bpf_attr for BPF_MAP_CREATE: map_type, key_size, value_size, max_entries, then zeros.
        var attr = stackalloc uint[32];
        new Span<uint>(attr, 32).Clear();
        attr[0] = BpfMapTypeArray;
        attr[1] = 4;
        attr[2] = 4;
        attr[3] = 1;
        var fd = syscall(SysBpf, BpfMapCreate, (nint)attr, 128);
        if (fd < 0)
        {
            return Marshal.GetLastPInvokeError();
        }

        _ = close((int)fd);
        return 0;
    }

    /// <summary>Writes through a null pointer: a segmentation fault in native code.</summary>
    public static void Segfault() => _ = strlen(0);

    [LibraryImport("libc", SetLastError = true)]
    private static partial long syscall(long number, long arg1, nint arg2, long arg3);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc")]
    private static partial nint strlen(nint text);
}
