using Framework.Plugins.VectorTransports.Native;
using Framework.Plugins.VectorTransports.Options;
using Framework.Plugins.VectorTransports.Wire;

namespace Framework.Plugins.VectorTransports.Transports;

/// <summary>
/// <c>tap</c>: a tap device from /dev/net/tun (IFF_TAP | IFF_NO_PI), created in the calling thread's
/// network namespace when <c>ifname</c> does not exist yet. As UML notes, tap descriptors have no
/// multi-packet I/O: frames are read and written one system call each, up to <c>depth</c> per batch.
/// <c>gro=1</c> adds virtio-net headers (IFF_VNET_HDR). Needs CAP_NET_ADMIN (or a persistent tap owned
/// by the user).
/// </summary>
public sealed class TapTransportType : ITransportType
{
    /// <inheritdoc />
    public string Name => "tap";

    /// <inheritdoc />
    public string Description => "a tap device from /dev/net/tun (CAP_NET_ADMIN)";

    /// <inheritdoc />
    public string? RequiredCapability => "CAP_NET_ADMIN";

    /// <inheritdoc />
    public VectorTransport Open(VectorSpec spec)
    {
        var ifName = spec.InterfaceName!;
        var fd = LinkLayer.OpenTap(ifName, spec.Gro);
        var io = new TransportIo
        {
            RxFd = fd,
            TxFd = fd,
            RxBatched = false,
            TxBatched = false,
            Description = $"{ifName}{(spec.Gro ? ", vnet headers" : string.Empty)}",
        };
        return new VectorTransport(spec, io, spec.Gro ? new VirtioNetHeader() : NoEncapsulation.Instance);
    }
}
