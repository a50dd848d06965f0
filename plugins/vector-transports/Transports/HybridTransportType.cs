using Framework.Plugins.VectorTransports.Filters;
using Framework.Plugins.VectorTransports.Native;
using Framework.Plugins.VectorTransports.Options;
using Framework.Plugins.VectorTransports.Wire;

namespace Framework.Plugins.VectorTransports.Transports;

/// <summary>
/// <c>hybrid</c>: UML's tap-for-transmit, raw-for-receive transport. Frames are written into the tap
/// device one by one and received in batches with recvmmsg from a packet socket on the same interface,
/// which keeps only what the host transmits on it (the frames we write show up there as incoming and
/// are dropped as own_frame). Needs CAP_NET_ADMIN and CAP_NET_RAW.
/// </summary>
public sealed class HybridTransportType : ITransportType
{
    /// <inheritdoc />
    public string Name => "hybrid";

    /// <inheritdoc />
    public string Description => "tap for transmit, AF_PACKET for batched receive (CAP_NET_ADMIN, CAP_NET_RAW)";

    /// <inheritdoc />
    public string? RequiredCapability => "CAP_NET_ADMIN, CAP_NET_RAW";

    /// <inheritdoc />
    public VectorTransport Open(VectorSpec spec)
    {
        var ifName = spec.InterfaceName!;
        var tap = LinkLayer.OpenTap(ifName, spec.Gro);
        var rx = -1;
        try
        {
            rx = LinkLayer.OpenPacketSocket(ifName, receive: true);
            var filter = spec.GetText("bpffile") is { } path ? SocketFilterFile.Load(path) : DefaultSocketFilter.ForMac(LinkAddress.For(spec));
            LinkLayer.AttachFilter(rx, filter);
            if (spec.Gro)
            {
                LinkLayer.EnableVnetHeader(rx);
            }

            var io = new TransportIo
            {
                RxFd = rx,
                TxFd = tap,
                TxBatched = false,
                KeepOnlyOutgoing = true,
                Description = $"{ifName} (tap tx, raw rx){(spec.Gro ? ", vnet headers" : string.Empty)}",
            };
            return new VectorTransport(spec, io, spec.Gro ? new VirtioNetHeader() : NoEncapsulation.Instance);
        }
        catch
        {
            Syscall.Close(rx);
            Syscall.Close(tap);
            throw;
        }
    }
}
