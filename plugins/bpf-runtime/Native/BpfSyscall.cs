using System.Runtime.InteropServices;

namespace Framework.Plugins.BpfRuntime.Native;

/// <summary>
/// The bpf(2) system call, wrapped once: each command takes its <c>union bpf_attr</c> laid out in a
/// zeroed buffer (offsets from include/uapi/linux/bpf.h) and returns the result or a negative errno.
/// Errors become <see cref="BpfException"/> here, naming what was missing for EPERM and ENOSYS.
/// </summary>
internal static unsafe partial class BpfSyscall
{
    public const int MapCreate = 0;
    public const int MapLookupElem = 1;
    public const int MapUpdateElem = 2;
    public const int MapDeleteElem = 3;
    public const int MapGetNextKey = 4;
    public const int ProgLoad = 5;
    public const int ObjPin = 6;
    public const int ObjGet = 7;
    public const int ProgTestRun = 10;
    public const int ObjGetInfoByFd = 15;

    /// <summary>The size of the attribute buffer passed to every command (covers every field we set).</summary>
    public const int AttrSize = 144;

    private static long SysBpf => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 321,
        Architecture.Arm64 or Architecture.RiscV64 or Architecture.LoongArch64 => 280,
        Architecture.X86 => 357,
        Architecture.Arm => 386,
        _ => -1,
    };

    /// <summary>Runs one command; returns the non-negative result or the errno.</summary>
    public static long Invoke(int command, byte* attr, out int errno)
    {
        errno = 0;
        var number = SysBpf;
        if (!OperatingSystem.IsLinux() || number < 0)
        {
            errno = 38; // ENOSYS
            return -1;
        }

        var result = syscall(number, command, attr, AttrSize);
        if (result < 0)
        {
            errno = Marshal.GetLastSystemError();
        }

        return result;
    }

    /// <summary>Runs one command and throws for a failure, naming the command and, for EPERM and
    /// ENOSYS, what is missing.</summary>
    public static long InvokeOrThrow(int command, byte* attr, string what)
    {
        var result = Invoke(command, attr, out var errno);
        if (result < 0)
        {
            throw Error(errno, what);
        }

        return result;
    }

    /// <summary>The error for an errno returned by a command.</summary>
    public static BpfException Error(int errno, string what, string? detail = null)
    {
        var suffix = detail is null ? string.Empty : ": " + detail;
        return errno switch
        {
            1 => new BpfException(BpfErrno.EPERM, $"{what}: the kernel refused it: the process lacks CAP_BPF (or CAP_SYS_ADMIN), or kernel.unprivileged_bpf_disabled forbids it{suffix}"),
            38 => new BpfException(BpfErrno.ENOSYS, $"{what}: this system has no bpf(2) system call (kernel built without CONFIG_BPF_SYSCALL, or not Linux){suffix}"),
            13 => new BpfException(BpfErrno.EACCES, $"{what}: the kernel verifier refused the program{suffix}"),
            _ => new BpfException(Enum.IsDefined((BpfErrno)errno) ? (BpfErrno)errno : BpfErrno.EINVAL, $"{what} failed with errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)}){suffix}"),
        };
    }

    /// <summary>BPF_MAP_CREATE; returns the map fd.</summary>
    public static int CreateMap(int type, int keySize, int valueSize, int maxEntries, uint flags, string? name)
    {
        var attr = stackalloc byte[AttrSize];
        new Span<byte>(attr, AttrSize).Clear();
        *(int*)attr = type;
        *(int*)(attr + 4) = keySize;
        *(int*)(attr + 8) = valueSize;
        *(int*)(attr + 12) = maxEntries;
        *(uint*)(attr + 16) = flags;
        WriteName(name, new Span<byte>(attr + 28, 16));
        return (int)InvokeOrThrow(MapCreate, attr, "BPF_MAP_CREATE");
    }

    /// <summary>BPF_MAP_LOOKUP_ELEM, BPF_MAP_UPDATE_ELEM, BPF_MAP_DELETE_ELEM or BPF_MAP_GET_NEXT_KEY;
    /// returns 0 or the errno (ENOENT is an answer, not a failure, for lookups).</summary>
    public static int MapElement(int command, int fd, ReadOnlySpan<byte> key, Span<byte> valueOrNextKey, ulong flags)
    {
        var attr = stackalloc byte[AttrSize];
        new Span<byte>(attr, AttrSize).Clear();
        fixed (byte* k = key)
        fixed (byte* v = valueOrNextKey)
        {
            *(int*)attr = fd;
            *(ulong*)(attr + 8) = key.IsEmpty ? 0 : (ulong)k;
            *(ulong*)(attr + 16) = (ulong)v;
            *(ulong*)(attr + 24) = flags;
            return Invoke(command, attr, out var errno) < 0 ? errno : 0;
        }
    }

    /// <summary>BPF_PROG_LOAD; returns the program fd, or throws with the verifier log.</summary>
    public static int LoadProgram(int type, ReadOnlySpan<byte> instructions, string license, uint kernelVersion, string? name, byte[] log)
    {
        var attr = stackalloc byte[AttrSize];
        new Span<byte>(attr, AttrSize).Clear();
        var licenseBytes = new byte[System.Text.Encoding.ASCII.GetByteCount(license) + 1];
        System.Text.Encoding.ASCII.GetBytes(license, licenseBytes);
        fixed (byte* insns = instructions)
        fixed (byte* lic = licenseBytes)
        fixed (byte* logBuf = log)
        {
            *(int*)attr = type;
            *(int*)(attr + 4) = instructions.Length / 8;
            *(ulong*)(attr + 8) = (ulong)insns;
            *(ulong*)(attr + 16) = (ulong)lic;
            *(int*)(attr + 24) = log.Length > 0 ? 1 : 0;
            *(int*)(attr + 28) = log.Length;
            *(ulong*)(attr + 32) = (ulong)logBuf;
            *(uint*)(attr + 40) = kernelVersion;
            WriteName(name, new Span<byte>(attr + 48, 16));
            var fd = Invoke(ProgLoad, attr, out var errno);
            if (fd < 0 && errno == 28 && log.Length > 0)
            {
                // ENOSPC: the log did not fit; the load itself may have been refused for another reason.
                return -28;
            }

            return fd < 0 ? -errno : (int)fd;
        }
    }

    /// <summary>BPF_PROG_TEST_RUN; returns the errno (0 on success) with retval, duration and the
    /// size of the data written back.</summary>
    public static int TestRun(int fd, ReadOnlySpan<byte> dataIn, Span<byte> dataOut, int repeat, out uint retval, out uint durationNs, out int dataOutSize)
    {
        var attr = stackalloc byte[AttrSize];
        new Span<byte>(attr, AttrSize).Clear();
        fixed (byte* i = dataIn)
        fixed (byte* o = dataOut)
        {
            *(int*)attr = fd;
            *(int*)(attr + 8) = dataIn.Length;
            *(int*)(attr + 12) = dataOut.Length;
            *(ulong*)(attr + 16) = (ulong)i;
            *(ulong*)(attr + 24) = (ulong)o;
            *(int*)(attr + 32) = repeat;
            var result = Invoke(ProgTestRun, attr, out var errno);
            retval = *(uint*)(attr + 4);
            durationNs = *(uint*)(attr + 36);
            dataOutSize = *(int*)(attr + 12);
            return result < 0 ? errno : 0;
        }
    }

    /// <summary>BPF_OBJ_PIN (fd at path) or BPF_OBJ_GET (returns the fd pinned at path).</summary>
    public static int Object(int command, string path, int fd)
    {
        var attr = stackalloc byte[AttrSize];
        new Span<byte>(attr, AttrSize).Clear();
        var pathBytes = new byte[System.Text.Encoding.UTF8.GetByteCount(path) + 1];
        System.Text.Encoding.UTF8.GetBytes(path, pathBytes);
        fixed (byte* p = pathBytes)
        {
            *(ulong*)attr = (ulong)p;
            *(int*)(attr + 8) = fd;
            return (int)InvokeOrThrow(command, attr, $"{(command == ObjPin ? "BPF_OBJ_PIN" : "BPF_OBJ_GET")} '{path}'");
        }
    }

    /// <summary>BPF_OBJ_GET_INFO_BY_FD into <paramref name="info"/> (struct bpf_map_info or bpf_prog_info).</summary>
    public static void GetInfo(int fd, Span<byte> info)
    {
        var attr = stackalloc byte[AttrSize];
        new Span<byte>(attr, AttrSize).Clear();
        info.Clear();
        fixed (byte* i = info)
        {
            *(int*)attr = fd;
            *(int*)(attr + 4) = info.Length;
            *(ulong*)(attr + 8) = (ulong)i;
            InvokeOrThrow(ObjGetInfoByFd, attr, "BPF_OBJ_GET_INFO_BY_FD");
        }
    }

    private static void WriteName(string? name, Span<byte> field)
    {
        if (!string.IsNullOrEmpty(name))
        {
            System.Text.Encoding.ASCII.GetBytes(name.AsSpan(0, Math.Min(name.Length, 15)), field);
        }
    }

    public static void Close(int fd)
    {
        if (fd >= 0)
        {
            close(fd);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial long syscall(long number, int command, byte* attr, uint size);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
