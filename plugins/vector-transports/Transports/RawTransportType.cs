using Framework.Plugins.VectorTransports.Filters;
using Framework.Plugins.VectorTransports.Native;
using Framework.Plugins.VectorTransports.Options;
using Framework.Plugins.VectorTransports.Wire;

namespace Framework.Plugins.VectorTransports.Transports;

/// <summary>
/// <c>raw</c>: AF_PACKET sockets on <c>ifname</c>, as UML opens them: a receive socket bound with
/// ETH_P_ALL and a transmit socket bound with protocol 0 (which receives nothing). The receive socket
/// gets UML's default socket filter that drops frames carrying our own MAC, or the classic BPF code
/// of <c>bpffile=</c> instead, and ignores what the host itself transmits (PACKET_IGNORE_OUTGOING).
/// The transmit socket bypasses the qdisc layer (PACKET_QDISC_BYPASS) where the kernel allows.
/// <c>gro=1</c> adds virtio-net headers (PACKET_VNET_HDR) on both. Needs CAP_NET_RAW.
/// </summary>
public sealed class RawTransportType : ITransportType
{
    /// <inheritdoc />
    public string Name => "raw";

    /// <inheritdoc />
    public string Description => "AF_PACKET sockets on a network interface (CAP_NET_RAW)";

    /// <inheritdoc />
    public string? RequiredCapability => "CAP_NET_RAW";

    /// <inheritdoc />
    public VectorTransport Open(VectorSpec spec)
    {
        var ifName = spec.InterfaceName!;
        var filter = spec.GetText("bpffile") is { } path ? SocketFilterFile.Load(path) : DefaultSocketFilter.ForMac(LinkAddress.For(spec));
        var rx = LinkLayer.OpenPacketSocket(ifName, receive: true);
        var tx = -1;
        try
        {
            LinkLayer.AttachFilter(rx, filter);
            LinkLayer.TryIgnoreOutgoing(rx);
            tx = LinkLayer.OpenPacketSocket(ifName, receive: false);
            var bypass = LinkLayer.TryEnableQdiscBypass(tx);
            if (spec.Gro)
            {
                LinkLayer.EnableVnetHeader(rx);
                LinkLayer.EnableVnetHeader(tx);
            }

            var io = new TransportIo
            {
                RxFd = rx,
                TxFd = tx,
                Description = $"{ifName}{(bypass ? ", qdisc bypass" : string.Empty)}{(spec.Gro ? ", vnet headers" : string.Empty)}",
            };
            return new VectorTransport(spec, io, spec.Gro ? new VirtioNetHeader() : NoEncapsulation.Instance);
        }
        catch
        {
            Syscall.Close(rx);
            Syscall.Close(tx);
            throw;
        }
    }
}
