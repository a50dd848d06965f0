using Framework.Plugins.VectorTransports.Native;
using Framework.Plugins.VectorTransports.Options;
using Framework.Plugins.VectorTransports.Wire;

namespace Framework.Plugins.VectorTransports.Transports;

/// <summary>
/// <c>unix</c>: Ethernet frames as datagrams between two AF_UNIX SOCK_DGRAM sockets, bound to <c>src</c>
/// and sending to <c>dst</c> (a leading '@' names the abstract namespace). Not one of UML's transports:
/// it follows QEMU's dgram netdev, and needs no privilege. The peer may appear later: until it does,
/// frames to it are dropped as peer_unreachable.
/// </summary>
public sealed class UnixTransportType : ITransportType
{
    /// <inheritdoc />
    public string Name => "unix";

    /// <inheritdoc />
    public string Description => "datagrams between unix sockets src and dst (no privilege)";

    /// <inheritdoc />
    public string? RequiredCapability => null;

    /// <inheritdoc />
    public VectorTransport Open(VectorSpec spec)
    {
        var src = spec.Source!;
        var dst = spec.Destination!;
        var fd = Syscall.Socket(LinuxConstants.AF_UNIX, LinuxConstants.SOCK_DGRAM | LinuxConstants.SOCK_NONBLOCK, 0, "AF_UNIX, SOCK_DGRAM");
        try
        {
            BindReplacingStale(fd, src, LinuxConstants.SOCK_DGRAM);
            var peer = NativeSocketAddress.Unix(dst);
            var io = new TransportIo
            {
                RxFd = fd,
                TxFd = fd,
                LazyPeer = peer,
                UnlinkOnClose = src.StartsWith('@') ? null : src,
                Description = $"{src} -> {dst}",
            };
            io.PeerConnected = peer.TryConnect(fd) == Errno.None;
            return new VectorTransport(spec, io, NoEncapsulation.Instance);
        }
        catch
        {
            Syscall.Close(fd);
            throw;
        }
    }

    /// <summary>Binds <paramref name="fd"/> to <paramref name="path"/>, replacing a socket file that an earlier
    /// run left behind (one nobody listens on any more); a live socket is left alone (EADDRINUSE).</summary>
    internal static void BindReplacingStale(int fd, string path, int type)
    {
        var address = NativeSocketAddress.Unix(path);
        try
        {
            address.Bind(fd);
        }
        catch (NativeCallException e) when (e.Errno == Errno.EADDRINUSE && !path.StartsWith('@'))
        {
            var probe = Syscall.Socket(LinuxConstants.AF_UNIX, type | LinuxConstants.SOCK_NONBLOCK, 0, "AF_UNIX probe");
            try
            {
                if (address.TryConnect(probe) != Errno.ECONNREFUSED)
                {
                    throw;
                }
            }
            finally
            {
                Syscall.Close(probe);
            }

            _ = LibC.Unlink(path);
            address.Bind(fd);
        }
    }
}
