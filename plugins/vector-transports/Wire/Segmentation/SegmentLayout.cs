namespace Framework.Plugins.VectorTransports.Wire.Segmentation;

/// <summary>
/// Where the headers and the payload of a validated super-frame are, and how it is cut: the result of
/// <see cref="SoftwareSegmenter.Plan"/>, consumed by <see cref="SoftwareSegmenter.WriteSegment"/> and
/// <see cref="SoftwareSegmenter.PrepareOffload"/> on the same frame.
/// </summary>
/// <param name="Offload">The offload the frame came with.</param>
/// <param name="NetworkOffset">Where the IP header starts (after Ethernet and any 802.1Q/802.1ad tags).</param>
/// <param name="IsIpv6">IPv6 rather than IPv4.</param>
/// <param name="TransportOffset">Where the TCP or UDP header starts.</param>
/// <param name="TransportHeaderLength">Its length (TCP data offset, or 8 for UDP).</param>
/// <param name="PayloadOffset">Where the bytes that are cut up start: after the transport header, or after the IPv4 header for UFO.</param>
/// <param name="End">Where the IP packet ends (bytes after it, such as Ethernet padding, are not part of it).</param>
/// <param name="SegmentPayload">Payload bytes per segment (a multiple of 8 for UFO).</param>
/// <param name="SegmentCount">How many frames the super-frame becomes (at least one).</param>
public readonly record struct SegmentLayout(
    OffloadInfo Offload,
    int NetworkOffset,
    bool IsIpv6,
    int TransportOffset,
    int TransportHeaderLength,
    int PayloadOffset,
    int End,
    int SegmentPayload,
    int SegmentCount)
{
    /// <summary>The segmentation type.</summary>
    public SegmentationType Type => Offload.Type;

    /// <summary>Whether the transport is TCP.</summary>
    public bool IsTcp => Offload.Type is SegmentationType.TcpV4 or SegmentationType.TcpV6;

    /// <summary>The bytes that are cut up.</summary>
    public int PayloadLength => End - PayloadOffset;

    /// <summary>The length of the longest frame produced (the first).</summary>
    public int LargestSegment => PayloadOffset + Math.Min(SegmentPayload, PayloadLength);

    /// <summary>Where the transport checksum field is, from <see cref="TransportOffset"/>.</summary>
    public int ChecksumOffset => IsTcp ? 16 : 6;
}
