using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Framework.Plugins.VectorTransports.Wire;

namespace Framework.Plugins.VectorTransports.Tests.Interop;

/// <summary>
/// One static L2TPv3 pseudowire between QEMU's l2tpv3 netdev and our l2tpv3 transport, written in each
/// side's own option language: QEMU's <c>txsession</c>, <c>rxcookie</c>, <c>pincounter</c>, ... and
/// UML's <c>tx_session</c>, <c>rx_cookie</c>, <c>pin_counter</c>, .... <see cref="Mirrored"/> makes the
/// two agree; tests change one field with <c>with</c> to make them disagree.
/// </summary>
internal sealed record L2tpv3Pseudowire
{
    public bool Udp { get; init; }
    public required string QemuAddress { get; init; }
    public required string OurAddress { get; init; }
    public int QemuPort { get; init; }
    public int OurPort { get; init; }
    public uint QemuTxSession { get; init; }
    public uint QemuRxSession { get; init; }
    public uint OurTxSession { get; init; }
    public uint OurRxSession { get; init; }
    public ulong? QemuTxCookie { get; init; }
    public ulong? QemuRxCookie { get; init; }
    public ulong? OurTxCookie { get; init; }
    public ulong? OurRxCookie { get; init; }
    public bool Cookie64 { get; init; }
    public bool QemuCounter { get; init; }
    public bool QemuPinCounter { get; init; }
    public bool OurCounter { get; init; }
    public bool OurPinCounter { get; init; }

    public bool Ipv6 => IPAddress.Parse(QemuAddress).AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>A pseudowire both sides agree on; over UDP the two ports are free ones on the addresses.</summary>
    public static L2tpv3Pseudowire Mirrored(
        bool udp, string qemuAddress, string ourAddress, uint qemuSession, uint ourSession,
        ulong? qemuCookie = null, ulong? ourCookie = null, bool cookie64 = false, bool counter = false, bool pinCounter = false)
    {
        var (qemuPort, ourPort) = udp ? FreeUdpPorts(IPAddress.Parse(qemuAddress), IPAddress.Parse(ourAddress)) : (0, 0);
        return new L2tpv3Pseudowire
        {
            Udp = udp,
            QemuAddress = qemuAddress,
            OurAddress = ourAddress,
            QemuPort = qemuPort,
            OurPort = ourPort,
            QemuTxSession = qemuSession,
            OurRxSession = qemuSession,
            OurTxSession = ourSession,
            QemuRxSession = ourSession,
            QemuTxCookie = qemuCookie,
            OurRxCookie = qemuCookie,
            OurTxCookie = ourCookie,
            QemuRxCookie = ourCookie,
            Cookie64 = cookie64,
            QemuCounter = counter,
            OurCounter = counter,
            QemuPinCounter = pinCounter,
            OurPinCounter = pinCounter,
        };
    }

    /// <summary>QEMU's netdev options (QEMU's pincounter only takes effect together with counter=on).</summary>
    public string QemuNetdev()
    {
        var o = new List<string> { "l2tpv3", $"src={QemuAddress}", $"dst={OurAddress}" };
        if (Ipv6)
        {
            o.Add("ipv6=on");
        }

        if (Udp)
        {
            o.Add("udp=on");
            o.Add(Invariant($"srcport={QemuPort}"));
            o.Add(Invariant($"dstport={OurPort}"));
        }

        o.Add(Invariant($"txsession={QemuTxSession}"));
        o.Add(Invariant($"rxsession={QemuRxSession}"));
        if (QemuTxCookie is ulong tx && QemuRxCookie is ulong rx)
        {
            o.Add(Invariant($"txcookie={tx}"));
            o.Add(Invariant($"rxcookie={rx}"));

            // QEMU 7.2 reads cookie64=off as "64-bit" (it tests has_cookie64 || cookie64): omit it instead.
            if (Cookie64)
            {
                o.Add("cookie64=on");
            }
        }

        if (QemuCounter)
        {
            o.Add("counter=on");
        }

        if (QemuPinCounter)
        {
            o.Add("pincounter=on");
        }

        return string.Join(',', o);
    }

    /// <summary>Our vector option string.</summary>
    public string OurSpec()
    {
        var o = new List<string> { "transport=l2tpv3", $"src={OurAddress}", $"dst={QemuAddress}" };
        if (Udp)
        {
            o.Add("udp=1");
            o.Add(Invariant($"srcport={OurPort}"));
            o.Add(Invariant($"dstport={QemuPort}"));
        }

        o.Add(Invariant($"rx_session={OurRxSession}"));
        o.Add(Invariant($"tx_session={OurTxSession}"));
        if (OurTxCookie is ulong tx && OurRxCookie is ulong rx)
        {
            o.Add(Invariant($"rx_cookie={rx}"));
            o.Add(Invariant($"tx_cookie={tx}"));
            o.Add(Cookie64 ? "cookie64=1" : "cookie64=0");
        }

        if (OurCounter)
        {
            o.Add("counter=1");
        }

        if (OurPinCounter)
        {
            o.Add("pin_counter=1");
        }

        return string.Join(',', o);
    }

    /// <summary>What we would send for the same configuration as QEMU's transmit side, for byte comparisons.</summary>
    public L2tpv3Encapsulation QemuTransmitAsOurs() =>
        new(Udp, ipv4Header: false, rxSession: QemuRxSession, txSession: QemuTxSession, QemuRxCookie, QemuTxCookie, Cookie64, QemuCounter, QemuPinCounter);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Two distinct free UDP ports, found by binding port 0 on both addresses at once.</summary>
    private static (int, int) FreeUdpPorts(IPAddress a, IPAddress b)
    {
        using var first = new Socket(a.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        using var second = new Socket(b.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        first.Bind(new IPEndPoint(a, 0));
        second.Bind(new IPEndPoint(b, 0));
        return (((IPEndPoint)first.LocalEndPoint!).Port, ((IPEndPoint)second.LocalEndPoint!).Port);
    }
}
