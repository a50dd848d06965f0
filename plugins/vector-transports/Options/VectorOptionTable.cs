using System.Collections.Frozen;

namespace Framework.Plugins.VectorTransports.Options;

/// <summary>
/// Every option key accepted in a vector option string, from UML's documentation
/// (Documentation/virt/uml/user_mode_linux_howto_v2.rst) and the driver's own spelling of the
/// port keys (<c>srcport</c>, <c>dstport</c>; the documentation's <c>src_port</c>, <c>dst_port</c>
/// are accepted as the same options), plus <c>checksum</c> for GRE, which UML lacks and Linux's gretap
/// has. Anything else is rejected.
/// </summary>
public static class VectorOptionTable
{
    /// <summary>The transports, by the name used in <c>transport=</c>.</summary>
    public static readonly IReadOnlyList<string> TransportNames = ["tap", "hybrid", "raw", "gre", "l2tpv3", "bess", "unix"];

    /// <summary>The largest <c>depth</c>: sendmmsg and recvmmsg take at most UIO_MAXIOV messages.</summary>
    public const int MaximumDepth = 1024;

    private static readonly string[] All = [];
    private static readonly string[] Ifname = ["tap", "hybrid", "raw"];
    private static readonly string[] Bpf = ["hybrid", "raw"];
    private static readonly string[] Socket = ["gre", "l2tpv3", "bess", "unix"];
    private static readonly string[] Ip = ["gre", "l2tpv3"];
    private static readonly string[] Gre = ["gre"];
    private static readonly string[] L2tp = ["l2tpv3"];

    /// <summary>The definitions, in documentation order.</summary>
    public static readonly IReadOnlyList<VectorOptionDefinition> Definitions =
    [
        new("transport", VectorOptionKind.TransportName, 0, 0, All, "the transport: tap, hybrid, raw, gre, l2tpv3, bess or unix"),
        new("depth", VectorOptionKind.Number, 1, MaximumDepth, All, "packets read or written in one system call (default 64)"),
        new("mac", VectorOptionKind.Mac, 0, 0, All, "the interface's MAC address"),
        new("gro", VectorOptionKind.Flag, 0, 1, All, "receive/transmit offloads with virtio-net headers (default 0)"),
        new("mtu", VectorOptionKind.Number, 68, 65535, All, "the interface MTU (default 1500)"),
        new("headroom", VectorOptionKind.Number, 0, 4096, All, "bytes reserved in front of a frame for re-encapsulation (default 32)"),
        new("vec", VectorOptionKind.Flag, 0, 1, All, "0 disables multi-packet I/O (one packet per system call)"),
        new("ifname", VectorOptionKind.InterfaceName, 0, 0, Ifname, "the network interface to bind to"),
        new("src", VectorOptionKind.Endpoint, 0, 0, Socket, "the local address (IP transports) or socket path (unix, bess)"),
        new("dst", VectorOptionKind.Endpoint, 0, 0, Socket, "the remote address (IP transports) or socket path (unix, bess)"),
        new("srcport", VectorOptionKind.Number, 0, 65535, L2tp, "the local UDP port"),
        new("dstport", VectorOptionKind.Number, 1, 65535, L2tp, "the remote UDP port"),
        new("v6", VectorOptionKind.Flag, 0, 1, Ip, "1 for IPv6 sockets"),
        new("bpffile", VectorOptionKind.Path, 0, 0, Bpf, "a file of classic BPF code loaded as the socket filter"),
        new("bpfflash", VectorOptionKind.Flag, 0, 1, Bpf, "allow loading BPF from inside the guest (accepted; there is no guest here)"),
        new("rx_key", VectorOptionKind.Number, 0, uint.MaxValue, Gre, "GRE key expected on received packets (needs tx_key)"),
        new("tx_key", VectorOptionKind.Number, 0, uint.MaxValue, Gre, "GRE key put on sent packets (needs rx_key)"),
        new("sequence", VectorOptionKind.Flag, 0, 1, Gre, "GRE sequence numbers"),
        new("pin_sequence", VectorOptionKind.Flag, 0, 1, Gre, "send sequence number 0 on every packet"),
        new("checksum", VectorOptionKind.Flag, 0, 1, Gre, "GRE checksums, sent and required (Linux's csum; not in UML)"),
        new("rx_session", VectorOptionKind.Number, 0, uint.MaxValue, L2tp, "L2TPv3 session id expected on received packets (required)"),
        new("tx_session", VectorOptionKind.Number, 0, uint.MaxValue, L2tp, "L2TPv3 session id put on sent packets (required)"),
        new("rx_cookie", VectorOptionKind.Number, 0, ulong.MaxValue, L2tp, "L2TPv3 cookie expected on received packets (needs tx_cookie)"),
        new("tx_cookie", VectorOptionKind.Number, 0, ulong.MaxValue, L2tp, "L2TPv3 cookie put on sent packets (needs rx_cookie)"),
        new("cookie64", VectorOptionKind.Flag, 0, 1, L2tp, "64-bit cookies instead of 32-bit"),
        new("counter", VectorOptionKind.Flag, 0, 1, L2tp, "the L2TPv3 counter"),
        new("pin_counter", VectorOptionKind.Flag, 0, 1, L2tp, "send counter 0 on every packet"),
        new("udp", VectorOptionKind.Flag, 0, 1, L2tp, "1 for L2TPv3 over UDP, 0 for IP protocol 115"),
    ];

    private static readonly FrozenDictionary<string, string> Aliases = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["src_port"] = "srcport",
        ["dst_port"] = "dstport",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, VectorOptionDefinition> ByKey =
        Definitions.ToFrozenDictionary(d => d.Key, StringComparer.Ordinal);

    /// <summary>Finds the definition of <paramref name="key"/> (aliases resolve to their option).</summary>
    public static bool TryGet(string key, out VectorOptionDefinition definition)
    {
        if (Aliases.TryGetValue(key, out var canonical))
        {
            key = canonical;
        }

        return ByKey.TryGetValue(key, out definition!);
    }
}
