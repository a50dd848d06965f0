using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Framework.Benchmarks.UserEvents;

/// <summary>The C program the emit benchmark is measured against: the same event laid out by hand
/// and written with one writev (the write index and the payload), compiled with gcc -O2.</summary>
public sealed unsafe class UserEventsCBaseline : IDisposable
{
    private const string Source = """
        #include <stdint.h>
        #include <string.h>
        #include <sys/uio.h>

        /* "bench u32 a;u64 b;__rel_loc char[] s": a, b, the location of s (size << 16 | 0), then s. */
        long ue_emit(int fd, int32_t index, uint32_t a, uint64_t b, const char *s)
        {
            unsigned char payload[512];
            size_t n = strlen(s) + 1;
            uint32_t loc = (uint32_t)n << 16;
            if (n > sizeof(payload) - 16)
                return -1;
            memcpy(payload, &a, 4);
            memcpy(payload + 4, &b, 8);
            memcpy(payload + 12, &loc, 4);
            memcpy(payload + 16, s, n);
            struct iovec io[2] = { { &index, 4 }, { payload, 16 + n } };
            return writev(fd, io, 2);
        }
        """;

    private readonly nint _library;

    public UserEventsCBaseline()
    {
        var directory = Directory.CreateTempSubdirectory("fw-ue-baseline-").FullName;
        var source = Path.Combine(directory, "ue.c");
        var library = Path.Combine(directory, "libue.so");
        File.WriteAllText(source, Source);
        using var gcc = Process.Start(new ProcessStartInfo("gcc", ["-O2", "-shared", "-fPIC", "-o", library, source]) { RedirectStandardError = true })!;
        var errors = gcc.StandardError.ReadToEnd();
        gcc.WaitForExit();
        if (gcc.ExitCode != 0)
        {
            throw new InvalidOperationException($"gcc failed: {errors}");
        }

        _library = NativeLibrary.Load(library);
        Emit = (delegate* unmanaged<int, int, uint, ulong, byte*, long>)NativeLibrary.GetExport(_library, "ue_emit");
    }

    public delegate* unmanaged<int, int, uint, ulong, byte*, long> Emit { get; }

    public void Dispose() => NativeLibrary.Free(_library);
}
