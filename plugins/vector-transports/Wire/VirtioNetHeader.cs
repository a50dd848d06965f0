using System.Buffers.Binary;

namespace Framework.Plugins.VectorTransports.Wire;

/// <summary>
/// The legacy 10-byte virtio-net header (struct virtio_net_hdr, little-endian) that tap devices with
/// IFF_VNET_HDR and packet sockets with PACKET_VNET_HDR put in front of each frame. On transmit this
/// plugin asks for no offload (no checksum, GSO none). On receive a frame whose checksum the sender
/// left to us (NEEDS_CSUM) gets it computed here, so it can cross any transport; a segmentation
/// super-frame (GSO) is dropped, since no transport here re-segments.
/// </summary>
public sealed class VirtioNetHeader : IEncapsulation
{
    /// <summary>sizeof(struct virtio_net_hdr).</summary>
    public const int Size = 10;

    /// <summary>VIRTIO_NET_HDR_F_NEEDS_CSUM.</summary>
    public const byte NeedsChecksum = 1;

    /// <summary>VIRTIO_NET_HDR_F_DATA_VALID.</summary>
    public const byte DataValid = 2;

    /// <summary>VIRTIO_NET_HDR_GSO_NONE.</summary>
    public const byte GsoNone = 0;

    /// <inheritdoc />
    public int HeaderSize => Size;

    /// <inheritdoc />
    public int MaximumReceiveOverhead => Size;

    /// <inheritdoc />
    public void WriteHeader(Span<byte> header, ReadOnlySpan<byte> frame) => header[..Size].Clear();

    /// <inheritdoc />
    public DropReason Decapsulate(Span<byte> datagram, out int frameOffset, out int frameLength)
    {
        frameOffset = Size;
        frameLength = datagram.Length - Size;
        if (datagram.Length < Size + EthernetFrame.HeaderLength)
        {
            return DropReason.Truncated;
        }

        var flags = datagram[0];
        var gsoType = datagram[1];
        if (gsoType != GsoNone)
        {
            return DropReason.Gso;
        }

        if ((flags & NeedsChecksum) != 0)
        {
            var start = BinaryPrimitives.ReadUInt16LittleEndian(datagram[6..]);
            var offset = BinaryPrimitives.ReadUInt16LittleEndian(datagram[8..]);
            var frame = datagram[Size..];
            if (start + offset + 2 > frame.Length)
            {
                return DropReason.VirtioHeader;
            }

            // The field holds the pseudo-header sum already; folding the rest in gives the final value.
            var sum = InternetChecksum.Sum(frame[start..]);
            var value = (ushort)~sum;
            BinaryPrimitives.WriteUInt16BigEndian(frame[(start + offset)..], value == 0 && IsUdp(frame, start) ? (ushort)0xFFFF : value);
        }

        return DropReason.None;
    }

    private static bool IsUdp(ReadOnlySpan<byte> frame, int transportStart)
    {
        // A computed UDP checksum of 0 is sent as 0xFFFF (RFC 768); find the protocol in front of it.
        var etherType = EthernetFrame.EtherType(frame);
        if (etherType == 0x0800 && frame.Length > 23)
        {
            return frame[23] == 17;
        }

        return etherType == 0x86DD && frame.Length > 20 && frame[20] == 17 && transportStart == 54;
    }
}
