namespace Framework.Plugins.VectorTransports.Native;

/// <summary>Constants of the Linux user-space ABI used by the transports, by their kernel names.</summary>
internal static class LinuxConstants
{
    public const int AF_UNIX = 1;
    public const int AF_INET = 2;
    public const int AF_INET6 = 10;
    public const int AF_PACKET = 17;

    public const int SOCK_STREAM = 1;
    public const int SOCK_DGRAM = 2;
    public const int SOCK_RAW = 3;
    public const int SOCK_SEQPACKET = 5;
    public const int SOCK_NONBLOCK = 0x800;
    public const int SOCK_CLOEXEC = 0x80000;

    public const int IPPROTO_GRE = 47;
    public const int IPPROTO_L2TP = 115;

    public const ushort ETH_P_ALL = 0x0003;
    public const ushort ETH_P_IP = 0x0800;

    public const int SOL_SOCKET = 1;
    public const int SO_SNDBUF = 7;
    public const int SO_RCVBUF = 8;
    public const int SO_ATTACH_FILTER = 26;
    public const int SO_DETACH_FILTER = 27;

    public const int SOL_PACKET = 263;
    public const int PACKET_VNET_HDR = 15;
    public const int PACKET_QDISC_BYPASS = 20;
    public const int PACKET_IGNORE_OUTGOING = 23;

    public const byte PACKET_OUTGOING = 4;

    public const int MSG_TRUNC = 0x20;
    public const int MSG_DONTWAIT = 0x40;
    public const int MSG_NOSIGNAL = 0x4000;

    public const short POLLIN = 0x1;
    public const short POLLOUT = 0x4;
    public const short POLLERR = 0x8;
    public const short POLLHUP = 0x10;
    public const short POLLNVAL = 0x20;

    public const int O_RDWR = 2;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;

    public const ulong TUNSETIFF = 0x400454ca;
    public const ulong TUNSETOFFLOAD = 0x400454d0;
    public const ulong TUNGETFEATURES = 0x800454cf;
    public const ulong TUNSETVNETHDRSZ = 0x400454d8;
    public const ulong SIOCGIFINDEX = 0x8933;
    public const ulong SIOCGIFHWADDR = 0x8927;

    // TUNSETOFFLOAD flags (linux/if_tun.h): what the tap may hand us undone.
    public const uint TUN_F_CSUM = 0x01;
    public const uint TUN_F_TSO4 = 0x02;
    public const uint TUN_F_TSO6 = 0x04;
    public const uint TUN_F_TSO_ECN = 0x08;
    public const uint TUN_F_USO4 = 0x20;
    public const uint TUN_F_USO6 = 0x40;

    public const short IFF_TAP = 0x0002;
    public const short IFF_NO_PI = 0x1000;
    public const short IFF_VNET_HDR = 0x4000;

    public const int CLONE_NEWNET = 0x40000000;

    public const int SockaddrStorageSize = 128;
}
