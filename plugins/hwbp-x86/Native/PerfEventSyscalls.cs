using System.Runtime.InteropServices;

namespace Framework.Plugins.HwbpX86.Native;

/// <summary>perf_event_open(2) and the perf ioctls, each wrapped once, errno returned or mapped to
/// <see cref="NativeCallException"/>.</summary>
internal static unsafe class PerfEventSyscalls
{
    // include/uapi/linux/perf_event.h: _IO('$', 0..), _IOW('$', 11, __u64 *).
    public const ulong IocEnable = 0x2400;
    public const ulong IocDisable = 0x2401;
    public const ulong IocReset = 0x2403;
    public const ulong IocModifyAttributes = 0x4008_240B;
    public const int FlagFdCloexec = 8;

    // include/uapi/asm-generic/fcntl.h.
    private const int FGetFl = 3;
    private const int FSetFl = 4;
    private const int FSetOwn = 8;
    private const int FSetSig = 10;
    private const int OAsync = 0x2000;
    private const int ONonBlock = 0x800;

    /// <summary>Opens a perf event; returns the descriptor or the errno.</summary>
    public static Errno TryOpen(in PerfEventAttr attr, int pid, int cpu, out int fd)
    {
        fixed (PerfEventAttr* p = &attr)
        {
            var result = LibC.Syscall5(LibC.SysPerfEventOpen, p, pid, cpu, -1, FlagFdCloexec);
            if (result < 0)
            {
                fd = -1;
                return (Errno)Marshal.GetLastPInvokeError();
            }

            fd = (int)result;
            return Errno.None;
        }
    }

    /// <summary>Opens a perf event or throws with a message naming the target.</summary>
    public static int Open(in PerfEventAttr attr, int pid, int cpu, string what)
    {
        var errno = TryOpen(attr, pid, cpu, out var fd);
        return errno == Errno.None ? fd : throw NativeCallException.For($"perf_event_open({what})", errno);
    }

    /// <summary>PERF_EVENT_IOC_MODIFY_ATTRIBUTES: the new type, address and length; everything else must be unchanged.</summary>
    public static Errno TryModify(int fd, in PerfEventAttr attr)
    {
        fixed (PerfEventAttr* p = &attr)
        {
            return LibC.Ioctl(fd, IocModifyAttributes, p) < 0 ? (Errno)Marshal.GetLastPInvokeError() : Errno.None;
        }
    }

    /// <summary>An argument-less perf ioctl (enable, disable, reset).</summary>
    public static void Control(int fd, ulong request)
    {
        if (LibC.IoctlValue(fd, request, 0) < 0)
        {
            throw NativeCallException.For($"ioctl(perf fd {fd}, 0x{request:x})", (Errno)Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>Makes the event signal this process with <paramref name="signal"/> on every overflow:
    /// F_SETOWN to this process, F_SETSIG (so that a real-time signal is queued per overflow, not
    /// merged), then O_ASYNC, the order in which the kernel's fasync expects them.</summary>
    public static void SignalOwner(int fd, int signal)
    {
        if (LibC.Fcntl(fd, FSetOwn, Environment.ProcessId) < 0
            || LibC.Fcntl(fd, FSetSig, signal) < 0)
        {
            throw NativeCallException.For($"fcntl(perf fd {fd}, F_SETOWN/F_SETSIG {signal})", (Errno)Marshal.GetLastPInvokeError());
        }

        var flags = LibC.Fcntl(fd, FGetFl, 0);
        if (flags < 0 || LibC.Fcntl(fd, FSetFl, flags | OAsync | ONonBlock) < 0)
        {
            throw NativeCallException.For($"fcntl(perf fd {fd}, F_SETFL O_ASYNC)", (Errno)Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>Reads the event's count (read_format 0: one u64). Returns null when the event is in
    /// error state (a pinned event that could not be scheduled reads as end of file).</summary>
    public static ulong? ReadCount(int fd)
    {
        ulong value;
        var n = LibC.Read(fd, &value, sizeof(ulong));
        if (n < 0)
        {
            throw NativeCallException.For($"read(perf fd {fd})", (Errno)Marshal.GetLastPInvokeError());
        }

        return n == sizeof(ulong) ? value : null;
    }

    /// <summary>Closes a descriptor; errors are ignored (the descriptor is gone either way).</summary>
    public static void Close(int fd)
    {
        if (fd >= 0)
        {
            LibC.Close(fd);
        }
    }
}
