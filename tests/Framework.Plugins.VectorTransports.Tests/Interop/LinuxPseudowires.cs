namespace Framework.Plugins.VectorTransports.Tests.Interop;

/// <summary>
/// The pseudowires the lab guest builds between the Linux kernel and our bridge service, all in one boot.
/// The kernel's commands are iproute2's (<c>ip l2tp</c>, <c>ip link ... type gretap</c>); ours are the
/// option strings an operator would configure. The kernel's naming is from its own end: an L2TPv3
/// session_id and ikey are what it receives, peer_session_id and okey what it sends, cookie what it
/// sends and peer_cookie what it checks.
/// </summary>
internal static class LinuxPseudowires
{
    /// <summary>L2TPv3 over IPv4 protocol 115, 64-bit cookies, no L2-specific sublayer.</summary>
    public static readonly LinuxPseudowire L2tpIp = new(
        "l2tp-ip", 1, false, "l2tpeth1",
        [
            "l2tp add tunnel tunnel_id 101 peer_tunnel_id 201 encap ip local 10.90.1.1 remote 10.90.1.2",
            "l2tp add session name l2tpeth1 tunnel_id 101 session_id 0x1001 peer_session_id 0x2001 cookie 0011223344556677 peer_cookie 8899aabbccddeeff l2spec_type none",
        ],
        "transport=l2tpv3,src=10.90.1.2,dst=10.90.1.1,rx_session=0x2001,tx_session=0x1001,cookie64=1,rx_cookie=0x0011223344556677,tx_cookie=0x8899aabbccddeeff",
        Connects: true);

    /// <summary>L2TPv3 over UDP/IPv4 (different ports each way), 32-bit cookies, and the default L2-specific
    /// sublayer on the kernel's side where our counter sits.</summary>
    public static readonly LinuxPseudowire L2tpUdp = new(
        "l2tp-udp", 2, false, "l2tpeth2",
        [
            "l2tp add tunnel tunnel_id 102 peer_tunnel_id 202 encap udp local 10.90.2.1 remote 10.90.2.2 udp_sport 1702 udp_dport 1701",
            "l2tp add session name l2tpeth2 tunnel_id 102 session_id 0x1002 peer_session_id 0x2002 cookie 0a0b0c0d peer_cookie 01020304 l2spec_type default",
        ],
        "transport=l2tpv3,udp=1,src=10.90.2.2,dst=10.90.2.1,srcport=1701,dstport=1702,rx_session=0x2002,tx_session=0x1002,rx_cookie=0x0a0b0c0d,tx_cookie=0x01020304,counter=1",
        Connects: true);

    /// <summary>L2TPv3 over IPv6 protocol 115, 32-bit cookies.</summary>
    public static readonly LinuxPseudowire L2tpIp6 = new(
        "l2tp-ip6", 3, true, "l2tpeth3",
        [
            "l2tp add tunnel tunnel_id 103 peer_tunnel_id 203 encap ip local fd90:3::1 remote fd90:3::2",
            "l2tp add session name l2tpeth3 tunnel_id 103 session_id 0x1003 peer_session_id 0x2003 cookie 31323334 peer_cookie 41424344 l2spec_type none",
        ],
        "transport=l2tpv3,src=fd90:3::2,dst=fd90:3::1,rx_session=0x2003,tx_session=0x1003,rx_cookie=0x31323334,tx_cookie=0x41424344",
        Connects: true);

    /// <summary>L2TPv3 over IPv4 where each end's cookie is one off what the other expects.</summary>
    public static readonly LinuxPseudowire L2tpWrongCookie = new(
        "l2tp-wrong-cookie", 4, false, "l2tpeth4",
        [
            "l2tp add tunnel tunnel_id 104 peer_tunnel_id 204 encap ip local 10.90.4.1 remote 10.90.4.2",
            "l2tp add session name l2tpeth4 tunnel_id 104 session_id 0x1004 peer_session_id 0x2004 cookie 11111111 peer_cookie 22222222 l2spec_type none",
        ],
        "transport=l2tpv3,src=10.90.4.2,dst=10.90.4.1,rx_session=0x2004,tx_session=0x1004,rx_cookie=0x11111112,tx_cookie=0x22222223",
        Connects: false);

    /// <summary>L2TPv3 over IPv4 where the kernel sends and requires RFC 4719 sequence numbers (the S bit
    /// and 24-bit number of the default L2-specific sublayer) and ours sends UML's counter there.</summary>
    public static readonly LinuxPseudowire L2tpSequenced = new(
        "l2tp-seq", 11, false, "l2tpeth11",
        [
            "l2tp add tunnel tunnel_id 111 peer_tunnel_id 211 encap ip local 10.90.11.1 remote 10.90.11.2",
            "l2tp add session name l2tpeth11 tunnel_id 111 session_id 0x1011 peer_session_id 0x2011 l2spec_type default seq both",
        ],
        "transport=l2tpv3,src=10.90.11.2,dst=10.90.11.1,rx_session=0x2011,tx_session=0x1011,counter=1",
        Connects: false);

    /// <summary>gretap over IPv4 with a different key each way.</summary>
    public static readonly LinuxPseudowire GretapKey = new(
        "gretap-key", 5, false, "gretap5",
        ["link add gretap5 type gretap local 10.90.5.1 remote 10.90.5.2 ikey 0x5a5a0005 okey 0xa5a50005"],
        "transport=gre,src=10.90.5.2,dst=10.90.5.1,rx_key=0xa5a50005,tx_key=0x5a5a0005",
        Connects: true);

    /// <summary>gretap over IPv4 with a key and sequence numbers both ways (the kernel checks their order).</summary>
    public static readonly LinuxPseudowire GretapSequence = new(
        "gretap-seq", 6, false, "gretap6",
        ["link add gretap6 type gretap local 10.90.6.1 remote 10.90.6.2 key 0x600 seq"],
        "transport=gre,src=10.90.6.2,dst=10.90.6.1,rx_key=0x600,tx_key=0x600,sequence=1",
        Connects: true);

    /// <summary>ip6gretap over IPv6 with a key (and the kernel's default tunnel encapsulation limit option).</summary>
    public static readonly LinuxPseudowire Ip6gretapKey = new(
        "ip6gretap-key", 7, true, "gretap7",
        ["link add gretap7 type ip6gretap local fd90:7::1 remote fd90:7::2 key 0x700"],
        "transport=gre,src=fd90:7::2,dst=fd90:7::1,rx_key=0x700,tx_key=0x700",
        Connects: true);

    /// <summary>gretap over IPv4 where each end's key is not the one the other expects.</summary>
    public static readonly LinuxPseudowire GretapWrongKey = new(
        "gretap-wrong-key", 8, false, "gretap8",
        ["link add gretap8 type gretap local 10.90.8.1 remote 10.90.8.2 ikey 0x800 okey 0x801"],
        "transport=gre,src=10.90.8.2,dst=10.90.8.1,rx_key=0x802,tx_key=0x803",
        Connects: false);

    /// <summary>gretap over IPv4 with checksums, a key and sequence numbers: every option at once.</summary>
    public static readonly LinuxPseudowire GretapChecksum = new(
        "gretap-csum", 9, false, "gretap9",
        ["link add gretap9 type gretap local 10.90.9.1 remote 10.90.9.2 key 0x900 seq csum"],
        "transport=gre,src=10.90.9.2,dst=10.90.9.1,rx_key=0x900,tx_key=0x900,sequence=1,checksum=1",
        Connects: true);

    /// <summary>gretap over IPv4 with checksums against ours without (UML's default).</summary>
    public static readonly LinuxPseudowire GretapChecksumRefused = new(
        "gretap-csum-refused", 10, false, "gretap10",
        ["link add gretap10 type gretap local 10.90.10.1 remote 10.90.10.2 csum"],
        "transport=gre,src=10.90.10.2,dst=10.90.10.1",
        Connects: false);

    /// <summary>Every pseudowire of the boot.</summary>
    public static IReadOnlyList<LinuxPseudowire> All { get; } =
        [L2tpIp, L2tpUdp, L2tpIp6, L2tpWrongCookie, L2tpSequenced, GretapKey, GretapSequence, Ip6gretapKey, GretapWrongKey, GretapChecksum, GretapChecksumRefused];
}
