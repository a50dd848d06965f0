using Framework.Plugins.VectorTransports.Native;
using Framework.Plugins.VectorTransports.Options;
using Framework.Plugins.VectorTransports.Wire;

namespace Framework.Plugins.VectorTransports.Transports;

/// <summary>
/// <c>gre</c>: Ethernet over GRE (protocol 0x6558) on a raw IP socket of protocol 47, IPv4 or IPv6,
/// with the optional key (<c>rx_key</c>, <c>tx_key</c>), sequence numbers (<c>sequence</c>,
/// <c>pin_sequence</c>) and checksums (<c>checksum</c>), in the wire format of RFC 2784/2890 that Linux gretap devices use. Needs CAP_NET_RAW.
/// </summary>
public sealed class GreTransportType : ITransportType
{
    /// <inheritdoc />
    public string Name => "gre";

    /// <inheritdoc />
    public string Description => "Ethernet over GRE, IP protocol 47 (CAP_NET_RAW)";

    /// <inheritdoc />
    public string? RequiredCapability => "CAP_NET_RAW";

    /// <inheritdoc />
    public VectorTransport Open(VectorSpec spec)
    {
        var (fd, v6, description) = IpTunnel.Open(spec, LinuxConstants.SOCK_RAW, LinuxConstants.IPPROTO_GRE, 0, 0, "SOCK_RAW, IPPROTO_GRE");
        try
        {
            uint? rxKey = spec.Has("rx_key") ? (uint)spec.GetNumber("rx_key", 0) : null;
            uint? txKey = spec.Has("tx_key") ? (uint)spec.GetNumber("tx_key", 0) : null;
            var encapsulation = new GreEncapsulation(rxKey, txKey, spec.GetFlag("sequence", false), spec.GetFlag("pin_sequence", false), ipv4Header: !v6, spec.GetFlag("checksum", false));
            var io = new TransportIo { RxFd = fd, TxFd = fd, Description = description };
            return new VectorTransport(spec, io, encapsulation);
        }
        catch
        {
            Syscall.Close(fd);
            throw;
        }
    }
}
