using Framework.Plugins.VectorTransports.Native;
using Framework.Plugins.VectorTransports.Options;
using Framework.Plugins.VectorTransports.Wire;

namespace Framework.Plugins.VectorTransports.Transports;

/// <summary>
/// <c>bess</c>: UML's BESS transport, a SOCK_SEQPACKET unix socket connected to the BESS port at
/// <c>dst</c> (bound to <c>src</c> when given); one frame per packet, no header. Needs no privilege.
/// When the switch closes the connection the transport fails and is reopened by its owner.
/// </summary>
public sealed class BessTransportType : ITransportType
{
    /// <inheritdoc />
    public string Name => "bess";

    /// <inheritdoc />
    public string Description => "sequenced-packet unix socket connected to a BESS port (no privilege)";

    /// <inheritdoc />
    public string? RequiredCapability => null;

    /// <inheritdoc />
    public VectorTransport Open(VectorSpec spec)
    {
        var dst = spec.Destination!;
        var fd = Syscall.Socket(LinuxConstants.AF_UNIX, LinuxConstants.SOCK_SEQPACKET | LinuxConstants.SOCK_NONBLOCK, 0, "AF_UNIX, SOCK_SEQPACKET");
        try
        {
            if (spec.Source is { } src)
            {
                UnixTransportType.BindReplacingStale(fd, src, LinuxConstants.SOCK_SEQPACKET);
            }

            var errno = NativeSocketAddress.Unix(dst).TryConnect(fd);
            if (errno != Errno.None)
            {
                throw Syscall.Error($"connect({dst})", errno);
            }

            var io = new TransportIo
            {
                RxFd = fd,
                TxFd = fd,
                ZeroLengthIsHangup = true,
                UnlinkOnClose = spec.Source is { } s && !s.StartsWith('@') ? s : null,
                Description = $"{spec.Source ?? "(unbound)"} -> {dst}",
            };
            return new VectorTransport(spec, io, NoEncapsulation.Instance);
        }
        catch
        {
            Syscall.Close(fd);
            throw;
        }
    }
}
