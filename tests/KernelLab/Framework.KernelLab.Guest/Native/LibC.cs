using System.Runtime.InteropServices;

namespace Framework.KernelLab.Guest.Native;

/// <summary>The libc calls the probes make, each wrapped once; failures become <see cref="ProbeException"/>
/// carrying the errno name.</summary>
internal static unsafe partial class LibC
{
    private const string Library = "libc";
    private const long SysPerfEventOpen = 298; // x86_64

    public const int ORdWr = 2;

    [LibraryImport(Library, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenNative(string path, int flags);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    private static partial int IoctlNative(int fd, nuint request, void* argument);

    [LibraryImport(Library, EntryPoint = "writev", SetLastError = true)]
    private static partial nint WritevNative(int fd, IoVec* vectors, int count);

    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    private static partial nint ReadNative(int fd, void* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall5(long number, void* a1, long a2, long a3, long a4, long a5);

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    public static int Open(string path, int flags)
    {
        var fd = OpenNative(path, flags);
        return fd >= 0 ? fd : throw ProbeException.FromErrno($"open {path}");
    }

    public static int Ioctl(int fd, nuint request, void* argument, string what)
    {
        var result = IoctlNative(fd, request, argument);
        return result >= 0 ? result : throw ProbeException.FromErrno(what);
    }

    public static long Writev(int fd, IoVec* vectors, int count, string what)
    {
        var result = WritevNative(fd, vectors, count);
        return result >= 0 ? result : throw ProbeException.FromErrno(what);
    }

    public static long ReadInt64(int fd, string what)
    {
        long value;
        var result = ReadNative(fd, &value, sizeof(long));
        return result == sizeof(long) ? value : throw ProbeException.FromErrno(what);
    }

    public static int PerfEventOpen(void* attr, int pid, int cpu, int groupFd, ulong flags)
    {
        var fd = Syscall5(SysPerfEventOpen, attr, pid, cpu, groupFd, (long)flags);
        return fd >= 0 ? (int)fd : throw ProbeException.FromErrno("perf_event_open");
    }
}
