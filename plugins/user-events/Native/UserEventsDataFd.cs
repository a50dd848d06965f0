using System.Text;

namespace Framework.Plugins.UserEvents.Native;

/// <summary>The kernel's <c>user_events_data</c>, opened once: DIAG_IOCSREG, DIAG_IOCSUNREG,
/// DIAG_IOCSDEL and writev, each mapped to <see cref="UserEventsException"/> with the errno.</summary>
internal sealed unsafe class UserEventsDataFd : IDisposable
{
    private int _fd;

    private UserEventsDataFd(int fd) => _fd = fd;

    public static UserEventsDataFd Open(string path)
    {
        var fd = LibC.Open(path, LibC.O_RDWR | LibC.O_CLOEXEC);
        return fd >= 0 ? new UserEventsDataFd(fd) : throw KernelErrors.From($"open({path})", KernelErrors.LastErrno);
    }

    public int Register(string command, ushort flags, nint enableAddress, int enableBit, int enableSize)
    {
        var name = new byte[Encoding.UTF8.GetByteCount(command) + 1];
        Encoding.UTF8.GetBytes(command, name);
        fixed (byte* args = name)
        {
            var reg = new UserEventsAbi.UserReg
            {
                Size = (uint)sizeof(UserEventsAbi.UserReg),
                EnableBit = (byte)enableBit,
                EnableSize = (byte)enableSize,
                Flags = flags,
                EnableAddr = (ulong)enableAddress,
                NameArgs = (ulong)args,
            };
            if (LibC.Ioctl(Fd, UserEventsAbi.DiagIocsReg, &reg) < 0)
            {
                throw KernelErrors.From($"DIAG_IOCSREG '{command}'", KernelErrors.LastErrno);
            }

            return (int)reg.WriteIndex;
        }
    }

    public void Unregister(nint enableAddress, int enableBit)
    {
        var unreg = new UserEventsAbi.UserUnreg
        {
            Size = (uint)sizeof(UserEventsAbi.UserUnreg),
            DisableBit = (byte)enableBit,
            DisableAddr = (ulong)enableAddress,
        };
        if (LibC.Ioctl(Fd, UserEventsAbi.DiagIocsUnreg, &unreg) < 0)
        {
            throw KernelErrors.From($"DIAG_IOCSUNREG 0x{enableAddress:x} bit {enableBit}", KernelErrors.LastErrno);
        }
    }

    public void Delete(string name)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(name) + 1];
        Encoding.UTF8.GetBytes(name, bytes);
        fixed (byte* p = bytes)
        {
            if (LibC.Ioctl(Fd, UserEventsAbi.DiagIocsDel, p) < 0)
            {
                throw KernelErrors.From($"DIAG_IOCSDEL '{name}'", KernelErrors.LastErrno);
            }
        }
    }

    public int Write(ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            var vector = new LibC.IoVec { Base = p, Length = (nuint)data.Length };
            var written = LibC.Writev(Fd, &vector, 1);
            return written >= 0 ? (int)written : throw KernelErrors.From("writev(user_events_data)", KernelErrors.LastErrno);
        }
    }

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            LibC.Close(fd);
        }
    }

    /// <summary>The descriptor, for a benchmark's C baseline that writes to the same file.</summary>
    internal int RawFd => Fd;

    private int Fd => _fd >= 0 ? _fd : throw new UserEventsException(UserEventsErrno.EBADF, "the user_events_data file is closed");
}
