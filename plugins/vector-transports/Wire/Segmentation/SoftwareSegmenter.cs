using System.Buffers.Binary;

namespace Framework.Plugins.VectorTransports.Wire.Segmentation;

/// <summary>
/// Segmentation offload done in software: cuts a super-frame described by a virtio_net_hdr into the
/// wire frames its sender would have sent (TCP segments, UDP datagrams or IPv4 fragments), or makes it
/// ready to be handed whole to a device that segments itself. Written from the virtio specification's
/// virtio_net_hdr, RFC 791 (IPv4 and fragmentation), RFC 8200 (IPv6 and its pseudo-header), RFC 9293
/// (TCP), RFC 768 (UDP), and Linux's documented GSO semantics (segmentation-offloads.rst): per
/// segment the IPv4 total length, identification (incremented, or kept for fragments) and header
/// checksum, the IPv6 payload length, the TCP sequence number, FIN and PSH on the last segment only,
/// CWR on the first only, and the transport checksum computed over pseudo-header and segment.
/// </summary>
/// <remarks>
/// Stateless and allocation-free: <see cref="Plan"/> validates a frame against its offload and never
/// throws; <see cref="WriteSegment"/> writes one segment into a caller-provided span, so a caller can
/// put each segment straight into a pinned transmit slot. Headers supported: Ethernet II with up to
/// two 802.1Q/802.1ad tags, IPv4 (options are copied into every segment; not for UFO) or IPv6 without
/// extension headers, then TCP or UDP.
/// </remarks>
public static class SoftwareSegmenter
{
    /// <summary>The most frames one super-frame may become; more is refused (gso_size), so that a hostile
    /// gso_size cannot turn one frame into tens of thousands (a 64 KB frame allows gso_size 64).</summary>
    public const int MaximumSegments = 1024;

    private const ushort EtherTypeIpv4 = 0x0800;
    private const ushort EtherTypeIpv6 = 0x86DD;
    private const ushort EtherTypeVlan = 0x8100;
    private const ushort EtherTypeQinQ = 0x88A8;
    private const byte ProtocolTcp = 6;
    private const byte ProtocolUdp = 17;
    private const byte TcpFin = 0x01;
    private const byte TcpPsh = 0x08;
    private const byte TcpCwr = 0x80;

    /// <summary>Validates <paramref name="frame"/> against <paramref name="offload"/> and finds its layout.</summary>
    /// <returns><see cref="DropReason.None"/>, or why the super-frame cannot be segmented:
    /// <see cref="DropReason.Gso"/> (a gso_type that is unknown or does not fit the frame's protocols),
    /// <see cref="DropReason.GsoHeader"/> (malformed IP, TCP or UDP headers or lengths),
    /// <see cref="DropReason.GsoSize"/> (gso_size 0 or too many segments),
    /// <see cref="DropReason.VirtioHeader"/> (hdr_len beyond the frame, csum_start/csum_offset not at the transport checksum),
    /// <see cref="DropReason.Truncated"/> (shorter than its headers).</returns>
    public static DropReason Plan(ReadOnlySpan<byte> frame, in OffloadInfo offload, out SegmentLayout layout)
    {
        layout = default;
        var type = offload.Type;
        if (type is not (SegmentationType.TcpV4 or SegmentationType.TcpV6 or SegmentationType.UdpL4 or SegmentationType.Udp))
        {
            return DropReason.Gso;
        }

        var tcp = type is SegmentationType.TcpV4 or SegmentationType.TcpV6;
        if (offload.Ecn && !tcp)
        {
            return DropReason.Gso;
        }

        if (frame.Length < EthernetFrame.HeaderLength)
        {
            return DropReason.Truncated;
        }

        if (offload.HeaderLength > frame.Length)
        {
            return DropReason.VirtioHeader;
        }

        var l3 = 12;
        var etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[l3..]);
        for (var tags = 0; etherType is EtherTypeVlan or EtherTypeQinQ; tags++)
        {
            if (tags == 2)
            {
                return DropReason.Gso;
            }

            l3 += 4;
            if (frame.Length < l3 + 2)
            {
                return DropReason.Truncated;
            }

            etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[l3..]);
        }

        l3 += 2;
        int l4;
        int end;
        byte protocol;
        bool ipv6;
        if (etherType == EtherTypeIpv4)
        {
            if (type == SegmentationType.TcpV6)
            {
                return DropReason.Gso;
            }

            if (frame.Length < l3 + 20)
            {
                return DropReason.Truncated;
            }

            var ihl = (frame[l3] & 0xF) * 4;
            if (frame[l3] >> 4 != 4 || ihl < 20)
            {
                return DropReason.GsoHeader;
            }

            if (frame.Length < l3 + ihl)
            {
                return DropReason.Truncated;
            }

            var totalLength = BinaryPrimitives.ReadUInt16BigEndian(frame[(l3 + 2)..]);
            if (totalLength < ihl || l3 + totalLength > frame.Length)
            {
                return DropReason.GsoHeader;
            }

            // A fragment (MF or an offset) is not a whole datagram, and UFO's fragments cannot repeat options
            // selectively: neither is cut here.
            if ((BinaryPrimitives.ReadUInt16BigEndian(frame[(l3 + 6)..]) & 0x3FFF) != 0 || (type == SegmentationType.Udp && ihl != 20))
            {
                return DropReason.Gso;
            }

            protocol = frame[l3 + 9];
            l4 = l3 + ihl;
            end = l3 + totalLength;
            ipv6 = false;
        }
        else if (etherType == EtherTypeIpv6)
        {
            // IPv6 UFO would need a fragment header inserted; Linux itself no longer produces it.
            if (type is SegmentationType.TcpV4 or SegmentationType.Udp)
            {
                return DropReason.Gso;
            }

            if (frame.Length < l3 + 40)
            {
                return DropReason.Truncated;
            }

            var payloadLength = BinaryPrimitives.ReadUInt16BigEndian(frame[(l3 + 4)..]);
            if (frame[l3] >> 4 != 6 || payloadLength == 0 || l3 + 40 + payloadLength > frame.Length)
            {
                return DropReason.GsoHeader;
            }

            protocol = frame[l3 + 6];
            l4 = l3 + 40;
            end = l4 + payloadLength;
            ipv6 = true;
        }
        else
        {
            return DropReason.Gso;
        }

        if (protocol != (tcp ? ProtocolTcp : ProtocolUdp))
        {
            return DropReason.Gso;
        }

        int transportHeader;
        if (tcp)
        {
            if (end < l4 + 20)
            {
                return DropReason.GsoHeader;
            }

            transportHeader = (frame[l4 + 12] >> 4) * 4;
            if (transportHeader < 20 || l4 + transportHeader > end)
            {
                return DropReason.GsoHeader;
            }
        }
        else
        {
            transportHeader = 8;
            if (end < l4 + 8 || BinaryPrimitives.ReadUInt16BigEndian(frame[(l4 + 4)..]) != end - l4)
            {
                return DropReason.GsoHeader;
            }
        }

        if (offload.NeedsChecksum && (offload.ChecksumStart != l4 || offload.ChecksumOffset != (tcp ? 16 : 6)))
        {
            return DropReason.VirtioHeader;
        }

        // UFO cuts the IP payload (UDP header included) at multiples of 8 bytes (RFC 791 fragment offsets).
        var ufo = type == SegmentationType.Udp;
        var unit = ufo ? offload.SegmentSize & ~7 : offload.SegmentSize;
        if (unit == 0)
        {
            return DropReason.GsoSize;
        }

        var payloadOffset = ufo ? l4 : l4 + transportHeader;
        var payload = end - payloadOffset;
        var count = payload == 0 ? 1 : (payload + unit - 1) / unit;
        if (count > MaximumSegments)
        {
            return DropReason.GsoSize;
        }

        layout = new SegmentLayout(offload, l3, ipv6, l4, transportHeader, payloadOffset, end, unit, count);
        return DropReason.None;
    }

    /// <summary>Writes segment <paramref name="index"/> of a super-frame planned by <see cref="Plan"/> into
    /// <paramref name="destination"/>: its headers, fixed for this segment, then its share of the payload.</summary>
    /// <returns>The segment's length; 0 when <paramref name="index"/> is out of range or
    /// <paramref name="destination"/> is shorter than the segment (<see cref="SegmentLayout.LargestSegment"/> always fits).</returns>
    public static int WriteSegment(ReadOnlySpan<byte> frame, in SegmentLayout layout, int index, Span<byte> destination)
    {
        if ((uint)index >= (uint)layout.SegmentCount || frame.Length < layout.End)
        {
            return 0;
        }

        var start = index * layout.SegmentPayload;
        var chunk = Math.Min(layout.SegmentPayload, layout.PayloadLength - start);
        var headers = layout.PayloadOffset;
        var length = headers + chunk;
        if (destination.Length < length)
        {
            return 0;
        }

        frame[..headers].CopyTo(destination);
        frame.Slice(headers + start, chunk).CopyTo(destination[headers..]);
        var segment = destination[..length];
        var last = index == layout.SegmentCount - 1;
        var l3 = layout.NetworkOffset;
        var l4 = layout.TransportOffset;
        if (layout.IsIpv6)
        {
            BinaryPrimitives.WriteUInt16BigEndian(segment[(l3 + 4)..], (ushort)(length - l4));
        }
        else
        {
            var ip = segment[l3..l4];
            BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(length - l3));
            if (layout.Type == SegmentationType.Udp)
            {
                // Fragments share the identification; offsets count 8-byte units; all but the last say MF.
                var flags = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(ip[6..]) & 0x8000);
                BinaryPrimitives.WriteUInt16BigEndian(ip[6..], (ushort)(flags | (last ? 0 : 0x2000) | (start / 8)));
            }
            else
            {
                BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)(BinaryPrimitives.ReadUInt16BigEndian(ip[4..]) + index));
            }

            ip[10] = 0;
            ip[11] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(ip[10..], (ushort)~InternetChecksum.Sum(ip));
        }

        switch (layout.Type)
        {
            case SegmentationType.TcpV4 or SegmentationType.TcpV6:
                {
                    var tcp = segment[l4..];
                    BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]) + (uint)start);
                    if (!last)
                    {
                        tcp[13] &= unchecked((byte)~(TcpFin | TcpPsh));
                    }

                    if (index != 0)
                    {
                        tcp[13] &= unchecked((byte)~TcpCwr);
                    }

                    tcp[16] = 0;
                    tcp[17] = 0;
                    var sum = (ulong)PseudoHeaderSum(segment, layout, ProtocolTcp, tcp.Length) + InternetChecksum.Sum(tcp);
                    BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], (ushort)~InternetChecksum.Fold(sum));
                    break;
                }

            case SegmentationType.UdpL4:
                {
                    var udp = segment[l4..];
                    BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)udp.Length);
                    udp[6] = 0;
                    udp[7] = 0;
                    var sum = (ulong)PseudoHeaderSum(segment, layout, ProtocolUdp, udp.Length) + InternetChecksum.Sum(udp);
                    WriteUdpChecksum(udp, sum);
                    break;
                }

            default:
                if (index == 0)
                {
                    // The UDP checksum covers the whole datagram, which only the first fragment's header carries.
                    var datagram = frame[l4..layout.End];
                    var sum = (ulong)PseudoHeaderSum(frame, layout, ProtocolUdp, datagram.Length)
                        + InternetChecksum.Sum(datagram[..6]) + InternetChecksum.Sum(datagram[8..]);
                    WriteUdpChecksum(segment[l4..], sum);
                }

                break;
        }

        return length;
    }

    /// <summary>Makes a planned super-frame (copied into a transmit buffer) ready to be handed whole to a
    /// device that segments it: the transport checksum field gets the pseudo-header sum over the whole
    /// transport length, as NEEDS_CSUM expects, and the returned header describes it exactly.</summary>
    /// <returns>The virtio_net_hdr to send in front of <paramref name="frame"/>.</returns>
    public static OffloadInfo PrepareOffload(Span<byte> frame, in SegmentLayout layout)
    {
        var l4 = layout.TransportOffset;
        var checksum = l4 + layout.ChecksumOffset;
        var pseudo = PseudoHeaderSum(frame, layout, layout.IsTcp ? ProtocolTcp : ProtocolUdp, layout.End - l4);
        BinaryPrimitives.WriteUInt16BigEndian(frame[checksum..], pseudo);
        var offload = layout.Offload;
        return new OffloadInfo(
            OffloadInfo.NeedsChecksumFlag,
            offload.GsoType,
            (ushort)(l4 + layout.TransportHeaderLength),
            offload.SegmentSize,
            (ushort)l4,
            (ushort)layout.ChecksumOffset);
    }

    private static ushort PseudoHeaderSum(ReadOnlySpan<byte> packet, in SegmentLayout layout, byte protocol, int transportLength)
    {
        // RFC 9293 3.1 / RFC 768: source, destination, protocol, length. RFC 8200 8.1: the same with 128-bit
        // addresses and a 32-bit length.
        var l3 = layout.NetworkOffset;
        var addresses = layout.IsIpv6 ? packet.Slice(l3 + 8, 32) : packet.Slice(l3 + 12, 8);
        var sum = (ulong)InternetChecksum.Sum(addresses) + protocol + (uint)(transportLength >> 16) + (uint)(transportLength & 0xFFFF);
        return InternetChecksum.Fold(sum);
    }

    private static void WriteUdpChecksum(Span<byte> udp, ulong sum)
    {
        // RFC 768: a computed checksum of zero is sent as all ones; zero means "none".
        var value = (ushort)~InternetChecksum.Fold(sum);
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], value == 0 ? (ushort)0xFFFF : value);
    }
}
