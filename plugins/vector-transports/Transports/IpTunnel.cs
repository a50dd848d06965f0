using System.Net;
using System.Net.Sockets;
using Framework.Plugins.VectorTransports.Native;
using Framework.Plugins.VectorTransports.Options;

namespace Framework.Plugins.VectorTransports.Transports;

/// <summary>The socket side of the gre and l2tpv3 transports: resolve src and dst in the family that
/// <c>v6</c> or the addresses choose, open the socket, bind it to src and connect it to dst (so that
/// the kernel only delivers the peer's packets).</summary>
internal static class IpTunnel
{
    public static (int Fd, bool V6, string Description) Open(VectorSpec spec, int type, int protocol, int srcPort, int dstPort, string what)
    {
        bool? v6 = spec.Has("v6") ? spec.GetFlag("v6", false) : null;
        var src = Resolve(spec.Source!, ref v6, "src");
        var dst = Resolve(spec.Destination!, ref v6, "dst");
        if (src.AddressFamily != dst.AddressFamily)
        {
            throw new VectorTransportException($"src {src} and dst {dst} are of different address families");
        }

        var ipv6 = src.AddressFamily == AddressFamily.InterNetworkV6;
        var privilege = type == LinuxConstants.SOCK_RAW ? "CAP_NET_RAW" : null;
        var fd = Syscall.Socket(ipv6 ? LinuxConstants.AF_INET6 : LinuxConstants.AF_INET, type | LinuxConstants.SOCK_NONBLOCK, protocol,
            $"{(ipv6 ? "AF_INET6" : "AF_INET")}, {what}", privilege);
        try
        {
            NativeSocketAddress.Ip(src, srcPort).Bind(fd, privilege);
            var peer = NativeSocketAddress.Ip(dst, dstPort);
            var errno = peer.TryConnect(fd);
            if (errno != Errno.None)
            {
                throw Syscall.Error($"connect({peer})", errno);
            }

            // A raw socket receives every packet of its protocol between socket() and connect():
            // those may be another tunnel's (seen in the lab as a GRE packet with other flags,
            // counted as a header drop), so they are discarded before the transport starts.
            Syscall.DiscardQueued(fd);
            LinkLayer.TryAllowFragmentation(fd, ipv6);
            return (fd, ipv6, $"{NativeSocketAddress.Ip(src, srcPort)} -> {peer}");
        }
        catch
        {
            Syscall.Close(fd);
            throw;
        }
    }

    private static IPAddress Resolve(string host, ref bool? v6, string key)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            v6 ??= literal.AddressFamily == AddressFamily.InterNetworkV6;
            return literal;
        }

        IPAddress[] addresses;
        try
        {
            addresses = Dns.GetHostAddresses(host);
        }
        catch (SocketException e)
        {
            throw new VectorTransportException($"{key}={host}: cannot resolve: {e.Message}", e);
        }

        var family = v6 == true ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
        var match = addresses.FirstOrDefault(a => a.AddressFamily == family)
            ?? throw new VectorTransportException($"{key}={host}: no {(v6 == true ? "IPv6" : "IPv4")} address");
        v6 ??= match.AddressFamily == AddressFamily.InterNetworkV6;
        return match;
    }
}
