namespace Framework.Plugins.VectorTransports.Wire;

/// <summary>Why a frame was dropped. Counted per reason; the tag value is <see cref="DropReasons.Name"/>.</summary>
public enum DropReason
{
    /// <summary>Not dropped.</summary>
    None = 0,
    /// <summary>Shorter than its headers or than an Ethernet header.</summary>
    Truncated,
    /// <summary>Longer than the receive buffer or the transmit slot.</summary>
    Oversized,
    /// <summary>An encapsulation header that is not the one configured (GRE flags or protocol, L2TPv3 version or type, IP header).</summary>
    Header,
    /// <summary>A GRE key other than rx_key.</summary>
    Key,
    /// <summary>An L2TPv3 session other than rx_session.</summary>
    Session,
    /// <summary>An L2TPv3 cookie other than rx_cookie.</summary>
    Cookie,
    /// <summary>A GRE sequence number or L2TPv3 counter that is not newer than the last one accepted.</summary>
    Sequence,
    /// <summary>A virtio-net header with impossible checksum offsets, or an hdr_len or csum_start/csum_offset that does not fit the super-frame.</summary>
    VirtioHeader,
    /// <summary>A segmentation-offload super-frame whose gso_type is unknown, unsupported (IPv6 UFO, IP options
    /// under UFO, more than two VLAN tags), or not the frame's protocols (not IPv4/IPv6, not TCP/UDP, a fragment).</summary>
    Gso,
    /// <summary>A frame this transport itself sent, seen again on receive.</summary>
    OwnFrame,
    /// <summary>Rejected by the bridge's packet filter.</summary>
    Filter,
    /// <summary>The peer socket does not exist or refuses datagrams.</summary>
    PeerUnreachable,
    /// <summary>The transmit queue stayed full past the send timeout.</summary>
    TransmitBusy,
    /// <summary>A super-frame with malformed IP, TCP or UDP headers or lengths (IHL, total or payload length, data offset, UDP length).</summary>
    GsoHeader,
    /// <summary>A super-frame with gso_size 0 (or below 8 for UFO) or one that would become too many segments.</summary>
    GsoSize,
    /// <summary>A GRE packet whose checksum does not match its contents.</summary>
    Checksum,
}
