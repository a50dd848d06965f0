using System.Runtime.InteropServices;

namespace Framework.Plugins.VectorTransports.Native;

/// <summary>
/// Wraps the <see cref="LibC"/> calls: retries EINTR, and turns a failure into a
/// <see cref="NativeCallException"/> whose message says which call failed, the errno, and what
/// privilege or kernel feature is missing when that is what the errno means.
/// </summary>
internal static unsafe class Syscall
{
    /// <summary>The errno of the last failed call on this thread.</summary>
    internal static Errno LastErrno => (Errno)Marshal.GetLastPInvokeError();

    /// <summary>Throws for the last failed call.</summary>
    internal static NativeCallException Error(string operation, string? privilege = null) => Error(operation, LastErrno, privilege);

    /// <summary>Builds the exception for <paramref name="errno"/>.</summary>
    internal static NativeCallException Error(string operation, Errno errno, string? privilege = null)
    {
        var hint = errno switch
        {
            Errno.EPERM or Errno.EACCES when privilege is not null => $": needs {privilege} (run as root or grant the capability)",
            Errno.EPERM or Errno.EACCES => ": permission denied",
            Errno.ENODEV => ": no such network device",
            Errno.ENOENT => ": no such file, socket or device",
            Errno.EAFNOSUPPORT or Errno.EPROTONOSUPPORT => ": the kernel lacks this address family or protocol",
            Errno.EADDRINUSE => ": the address is already in use",
            Errno.EADDRNOTAVAIL => ": the address is not configured on this host",
            Errno.ECONNREFUSED => ": nobody is listening at the peer",
            Errno.EBUSY => ": the device is busy (already attached?)",
            Errno.EINVAL => ": invalid argument",
            _ => string.Empty,
        };
        return new NativeCallException(operation, errno, $"{operation} failed with {errno} ({(int)errno}){hint}");
    }

    /// <summary>Reads and discards every datagram queued on the non-blocking socket
    /// <paramref name="fd"/>; returns how many there were.</summary>
    internal static int DiscardQueued(int fd)
    {
        byte scratch;
        var count = 0;
        while (true)
        {
            if (LibC.Read(fd, &scratch, 1) >= 0)
            {
                count++;
            }
            else if (LastErrno != Errno.EINTR)
            {
                return count;
            }
        }
    }

    internal static int Socket(int domain, int type, int protocol, string what, string? privilege = null)
    {
        var fd = LibC.Socket(domain, type | LinuxConstants.SOCK_CLOEXEC, protocol);
        return fd >= 0 ? fd : throw Error($"socket({what})", privilege);
    }

    internal static void Check(int result, string operation, string? privilege = null)
    {
        if (result < 0)
        {
            throw Error(operation, privilege);
        }
    }

    internal static void SetInt(int fd, int level, int name, int value, string operation, string? privilege = null)
    {
        Check(LibC.SetSockOpt(fd, level, name, &value, sizeof(int)), operation, privilege);
    }

    internal static void Close(int fd)
    {
        if (fd >= 0)
        {
            // close is not retried on EINTR: on Linux the descriptor is gone either way.
            _ = LibC.Close(fd);
        }
    }

    /// <summary>Waits for <paramref name="events"/> on <paramref name="fd"/>; returns the revents, 0 on timeout.</summary>
    internal static short Poll(int fd, short events, int timeoutMilliseconds)
    {
        var pfd = new PollFd { Fd = fd, Events = events };
        while (true)
        {
            var n = LibC.Poll(&pfd, 1, timeoutMilliseconds);
            if (n >= 0)
            {
                return n == 0 ? (short)0 : pfd.Revents;
            }

            if (LastErrno != Errno.EINTR)
            {
                throw Error("poll");
            }
        }
    }

    /// <summary>Waits for input on either of two descriptors (a negative one is ignored); returns both revents.</summary>
    internal static (short A, short B) PollEither(int a, int b, int timeoutMilliseconds)
    {
        var fds = stackalloc PollFd[2];
        fds[0] = new PollFd { Fd = a, Events = LinuxConstants.POLLIN };
        fds[1] = new PollFd { Fd = b, Events = LinuxConstants.POLLIN };
        while (true)
        {
            var n = LibC.Poll(fds, 2, timeoutMilliseconds);
            if (n >= 0)
            {
                return n == 0 ? ((short)0, (short)0) : (fds[0].Revents, fds[1].Revents);
            }

            if (LastErrno != Errno.EINTR)
            {
                throw Error("poll");
            }
        }
    }

    /// <summary>The index of a network interface.</summary>
    internal static int InterfaceIndex(string name)
    {
        var index = LibC.IfNameToIndex(name);
        return index != 0 ? (int)index : throw Error($"if_nametoindex({name})");
    }

    /// <summary>Copies an interface name into an ifreq.</summary>
    internal static void SetName(ref IfReq request, string name)
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(name);
        fixed (byte* p = request.Name)
        {
            var span = new Span<byte>(p, 16);
            span.Clear();
            bytes.AsSpan(0, Math.Min(bytes.Length, 15)).CopyTo(span);
        }
    }
}
