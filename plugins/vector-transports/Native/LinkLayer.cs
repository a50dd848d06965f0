using Framework.Plugins.VectorTransports.Filters;

namespace Framework.Plugins.VectorTransports.Native;

/// <summary>
/// The link-layer system calls of the tap, raw and hybrid transports: packet sockets, their socket
/// options (filters, virtio-net headers, qdisc bypass), and tap devices. Errors name the privilege
/// they need (CAP_NET_RAW for packet sockets, CAP_NET_ADMIN for tap devices).
/// </summary>
internal static unsafe class LinkLayer
{
    private const string NetRaw = "CAP_NET_RAW";
    private const string NetAdmin = "CAP_NET_ADMIN";

    /// <summary>Opens a packet socket bound to <paramref name="ifName"/>; <paramref name="receive"/> false
    /// opens it with protocol 0, which receives nothing (a transmit-only socket, as UML's tx fd).</summary>
    public static int OpenPacketSocket(string ifName, bool receive)
    {
        var protocol = receive ? LinuxConstants.ETH_P_ALL : (ushort)0;
        var fd = Syscall.Socket(LinuxConstants.AF_PACKET, LinuxConstants.SOCK_RAW | LinuxConstants.SOCK_NONBLOCK,
            (ushort)((protocol >> 8) | (protocol << 8)), receive ? "AF_PACKET, SOCK_RAW, ETH_P_ALL" : "AF_PACKET, SOCK_RAW, 0", NetRaw);
        try
        {
            var index = Syscall.InterfaceIndex(ifName);
            NativeSocketAddress.Link(index, protocol, ifName).Bind(fd, NetRaw);
            return fd;
        }
        catch
        {
            Syscall.Close(fd);
            throw;
        }
    }

    /// <summary>Attaches a classic BPF program with SO_ATTACH_FILTER.</summary>
    public static void AttachFilter(int fd, SocketFilterProgram program)
    {
        var count = program.Instructions.Count;
        var code = stackalloc SockFilter[count];
        for (var i = 0; i < count; i++)
        {
            var insn = program.Instructions[i];
            code[i] = new SockFilter { Code = insn.Code, Jt = insn.JumpTrue, Jf = insn.JumpFalse, K = insn.K };
        }

        var fprog = new SockFprog { Length = (ushort)count, Filter = code };
        Syscall.Check(LibC.SetSockOpt(fd, LinuxConstants.SOL_SOCKET, LinuxConstants.SO_ATTACH_FILTER, &fprog, (uint)sizeof(SockFprog)),
            $"setsockopt(SO_ATTACH_FILTER, {count} instructions)");
    }

    /// <summary>Asks for virtio-net headers on a packet socket (PACKET_VNET_HDR).</summary>
    public static void EnableVnetHeader(int fd) =>
        Syscall.SetInt(fd, LinuxConstants.SOL_PACKET, LinuxConstants.PACKET_VNET_HDR, 1, "setsockopt(PACKET_VNET_HDR)", NetRaw);

    /// <summary>Sends past the qdisc layer (PACKET_QDISC_BYPASS); false when the kernel refuses.</summary>
    public static bool TryEnableQdiscBypass(int fd)
    {
        var one = 1;
        return LibC.SetSockOpt(fd, LinuxConstants.SOL_PACKET, LinuxConstants.PACKET_QDISC_BYPASS, &one, sizeof(int)) == 0;
    }

    /// <summary>Stops a receive socket from seeing the host's (and our own) transmissions (PACKET_IGNORE_OUTGOING, Linux 4.20).</summary>
    public static bool TryIgnoreOutgoing(int fd)
    {
        var one = 1;
        return LibC.SetSockOpt(fd, LinuxConstants.SOL_PACKET, LinuxConstants.PACKET_IGNORE_OUTGOING, &one, sizeof(int)) == 0;
    }

    /// <summary>Opens /dev/net/tun and attaches it to tap interface <paramref name="ifName"/>, creating the
    /// interface (in the calling thread's network namespace) when it does not exist.</summary>
    public static int OpenTap(string ifName, bool vnetHeader)
    {
        var fd = LibC.Open("/dev/net/tun", LinuxConstants.O_RDWR | LinuxConstants.O_NONBLOCK | LinuxConstants.O_CLOEXEC);
        if (fd < 0)
        {
            throw Syscall.Error("open(/dev/net/tun)", NetAdmin);
        }

        try
        {
            var request = default(IfReq);
            Syscall.SetName(ref request, ifName);
            var flags = (short)(LinuxConstants.IFF_TAP | LinuxConstants.IFF_NO_PI | (vnetHeader ? LinuxConstants.IFF_VNET_HDR : 0));
            *(short*)request.Union = flags;
            Syscall.Check(LibC.Ioctl(fd, LinuxConstants.TUNSETIFF, &request), $"ioctl(TUNSETIFF, {ifName}, IFF_TAP)", NetAdmin);
            if (vnetHeader)
            {
                var size = 10;
                Syscall.Check(LibC.Ioctl(fd, LinuxConstants.TUNSETVNETHDRSZ, &size), "ioctl(TUNSETVNETHDRSZ)");
            }

            if (vnetHeader)
            {
                EnableTapOffloads(fd);
            }
            else
            {
                // No offloads: the kernel hands us whole, checksummed frames that any transport can carry.
                Syscall.Check(LibC.Ioctl(fd, LinuxConstants.TUNSETOFFLOAD, null), "ioctl(TUNSETOFFLOAD, 0)");
            }

            return fd;
        }
        catch
        {
            Syscall.Close(fd);
            throw;
        }
    }

    /// <summary>The offloads a tap with virtio-net headers asks for (gro=1, as UML does): checksum and TCP
    /// segmentation (IPv4, IPv6, ECN), and UDP segmentation (Linux 6.2) where the kernel knows it. The
    /// host's stack then hands us super-frames, which the transport passes on whole or segments.</summary>
    /// <returns>The TUN_F_* flags in force.</returns>
    public static uint EnableTapOffloads(int fd)
    {
        const uint Tcp = LinuxConstants.TUN_F_CSUM | LinuxConstants.TUN_F_TSO4 | LinuxConstants.TUN_F_TSO6 | LinuxConstants.TUN_F_TSO_ECN;
        const uint Udp = LinuxConstants.TUN_F_USO4 | LinuxConstants.TUN_F_USO6;
        foreach (var flags in (ReadOnlySpan<uint>)[Tcp | Udp, Tcp, LinuxConstants.TUN_F_CSUM])
        {
            // The argument is the flag word itself, not a pointer; unknown flags are EINVAL on older kernels.
            if (LibC.Ioctl(fd, LinuxConstants.TUNSETOFFLOAD, (void*)flags) == 0)
            {
                return flags;
            }

            if (Syscall.LastErrno != Errno.EINVAL)
            {
                throw Syscall.Error($"ioctl(TUNSETOFFLOAD, 0x{flags:x})");
            }
        }

        Syscall.Check(LibC.Ioctl(fd, LinuxConstants.TUNSETOFFLOAD, null), "ioctl(TUNSETOFFLOAD, 0)");
        return 0;
    }

    /// <summary>Sets IP_MTU_DISCOVER / IPV6_MTU_DISCOVER to "don't", so that encapsulated frames larger
    /// than the path MTU are fragmented rather than refused; false when the kernel refuses.</summary>
    public static bool TryAllowFragmentation(int fd, bool ipv6)
    {
        var dont = 0;
        return ipv6
            ? LibC.SetSockOpt(fd, 41, 23, &dont, sizeof(int)) == 0
            : LibC.SetSockOpt(fd, 0, 10, &dont, sizeof(int)) == 0;
    }
}
