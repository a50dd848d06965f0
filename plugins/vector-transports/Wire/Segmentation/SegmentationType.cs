namespace Framework.Plugins.VectorTransports.Wire.Segmentation;

/// <summary>
/// The gso_type of a virtio_net_hdr (VIRTIO_NET_HDR_GSO_*, without the ECN bit): what kind of
/// super-frame the header describes and how it is cut into wire frames.
/// </summary>
public enum SegmentationType : byte
{
    /// <summary>VIRTIO_NET_HDR_GSO_NONE: an ordinary frame.</summary>
    None = 0,

    /// <summary>VIRTIO_NET_HDR_GSO_TCPV4: TCP over IPv4, cut into segments of gso_size payload bytes.</summary>
    TcpV4 = 1,

    /// <summary>VIRTIO_NET_HDR_GSO_UDP: legacy UDP fragmentation offload (UFO), cut into IPv4 fragments.</summary>
    Udp = 3,

    /// <summary>VIRTIO_NET_HDR_GSO_TCPV6: TCP over IPv6.</summary>
    TcpV6 = 4,

    /// <summary>VIRTIO_NET_HDR_GSO_UDP_L4: UDP segmentation (UDP_SEGMENT), one datagram per gso_size payload bytes.</summary>
    UdpL4 = 5,
}
