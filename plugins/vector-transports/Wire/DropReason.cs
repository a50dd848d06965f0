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
    /// <summary>A virtio-net header with impossible checksum offsets.</summary>
    VirtioHeader,
    /// <summary>A segmentation-offload super-frame, which no transport here can re-segment.</summary>
    Gso,
    /// <summary>A frame this transport itself sent, seen again on receive.</summary>
    OwnFrame,
    /// <summary>Rejected by the bridge's packet filter.</summary>
    Filter,
    /// <summary>The peer socket does not exist or refuses datagrams.</summary>
    PeerUnreachable,
    /// <summary>The transmit queue stayed full past the send timeout.</summary>
    TransmitBusy,
}
