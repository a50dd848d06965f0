using Framework.Plugins.VectorTransports.Native;
using Framework.Plugins.VectorTransports.Options;
using Framework.Plugins.VectorTransports.Wire;

namespace Framework.Plugins.VectorTransports.Transports;

/// <summary>
/// <c>l2tpv3</c>: an Ethernet pseudowire over L2TPv3 (RFC 3931), static sessions (<c>rx_session</c>,
/// <c>tx_session</c>), optional 32 or 64-bit cookies and counter; over IP protocol 115 on a raw socket
/// (CAP_NET_RAW) or over UDP with <c>udp=1</c> (no privilege), IPv4 or IPv6.
/// </summary>
public sealed class L2tpv3TransportType : ITransportType
{
    /// <inheritdoc />
    public string Name => "l2tpv3";

    /// <inheritdoc />
    public string Description => "Ethernet over L2TPv3, IP protocol 115 (CAP_NET_RAW) or UDP";

    /// <inheritdoc />
    public string? RequiredCapability => "CAP_NET_RAW (not with udp=1)";

    /// <inheritdoc />
    public VectorTransport Open(VectorSpec spec)
    {
        var udp = spec.GetFlag("udp", false);
        var (fd, v6, description) = udp
            ? IpTunnel.Open(spec, LinuxConstants.SOCK_DGRAM, 0, (int)spec.GetNumber("srcport", 0), (int)spec.GetNumber("dstport", 0), "SOCK_DGRAM")
            : IpTunnel.Open(spec, LinuxConstants.SOCK_RAW, LinuxConstants.IPPROTO_L2TP, 0, 0, "SOCK_RAW, IPPROTO_L2TP");
        try
        {
            var cookie64 = spec.GetFlag("cookie64", false);
            ulong? rxCookie = spec.Has("rx_cookie") ? spec.GetNumber("rx_cookie", 0) : null;
            ulong? txCookie = spec.Has("tx_cookie") ? spec.GetNumber("tx_cookie", 0) : null;
            var encapsulation = new L2tpv3Encapsulation(
                udp,
                ipv4Header: !udp && !v6,
                rxSession: (uint)spec.GetNumber("rx_session", 0),
                txSession: (uint)spec.GetNumber("tx_session", 0),
                rxCookie,
                txCookie,
                cookie64,
                spec.GetFlag("counter", false),
                spec.GetFlag("pin_counter", false));
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
