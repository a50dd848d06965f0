using System.Buffers.Binary;

namespace Framework.Plugins.VectorTransports.Wire.Segmentation;

/// <summary>
/// The offload part of a legacy virtio_net_hdr (virtio specification, "Packet Transmission"; all
/// fields little-endian): what the sender left undone on a frame. <see cref="Flags"/> may ask for the
/// transport checksum to be completed (NEEDS_CSUM, at <see cref="ChecksumStart"/> +
/// <see cref="ChecksumOffset"/>); <see cref="GsoType"/> other than none marks a super-frame to be cut
/// into frames of at most <see cref="SegmentSize"/> payload bytes. <see cref="HeaderLength"/> is, as
/// the specification and Linux say, only a hint of how long the headers are.
/// </summary>
/// <param name="Flags">VIRTIO_NET_HDR_F_NEEDS_CSUM (1), VIRTIO_NET_HDR_F_DATA_VALID (2).</param>
/// <param name="GsoType">VIRTIO_NET_HDR_GSO_* with VIRTIO_NET_HDR_GSO_ECN (0x80) as it is on the wire.</param>
/// <param name="HeaderLength">hdr_len.</param>
/// <param name="SegmentSize">gso_size: payload bytes per segment (IP payload bytes per fragment for UFO).</param>
/// <param name="ChecksumStart">csum_start: where the checksummed transport header starts in the frame.</param>
/// <param name="ChecksumOffset">csum_offset: where the checksum field is, from <see cref="ChecksumStart"/>.</param>
public readonly record struct OffloadInfo(byte Flags, byte GsoType, ushort HeaderLength, ushort SegmentSize, ushort ChecksumStart, ushort ChecksumOffset)
{
    /// <summary>sizeof(struct virtio_net_hdr).</summary>
    public const int Size = 10;

    /// <summary>VIRTIO_NET_HDR_F_NEEDS_CSUM.</summary>
    public const byte NeedsChecksumFlag = 1;

    /// <summary>VIRTIO_NET_HDR_F_DATA_VALID.</summary>
    public const byte DataValidFlag = 2;

    /// <summary>VIRTIO_NET_HDR_GSO_ECN: the TCP super-frame carries CWR, which only its first segment keeps.</summary>
    public const byte EcnBit = 0x80;

    /// <summary>No offload: a whole, checksummed frame.</summary>
    public static OffloadInfo None => default;

    /// <summary>The segmentation type without the ECN bit.</summary>
    public SegmentationType Type => (SegmentationType)(GsoType & ~EcnBit);

    /// <summary>Whether VIRTIO_NET_HDR_GSO_ECN is set.</summary>
    public bool Ecn => (GsoType & EcnBit) != 0;

    /// <summary>Whether the frame is a super-frame (gso_type other than none).</summary>
    public bool IsSegmentation => GsoType != 0;

    /// <summary>Whether the transport checksum is left to the receiver (NEEDS_CSUM).</summary>
    public bool NeedsChecksum => (Flags & NeedsChecksumFlag) != 0;

    /// <summary>Reads the first <see cref="Size"/> bytes of <paramref name="header"/>; all zero when it is shorter.</summary>
    public static OffloadInfo Read(ReadOnlySpan<byte> header) =>
        header.Length < Size
            ? None
            : new OffloadInfo(
                header[0],
                header[1],
                BinaryPrimitives.ReadUInt16LittleEndian(header[2..]),
                BinaryPrimitives.ReadUInt16LittleEndian(header[4..]),
                BinaryPrimitives.ReadUInt16LittleEndian(header[6..]),
                BinaryPrimitives.ReadUInt16LittleEndian(header[8..]));

    /// <summary>Writes the header into the first <see cref="Size"/> bytes of <paramref name="header"/>.</summary>
    public void Write(Span<byte> header)
    {
        header[0] = Flags;
        header[1] = GsoType;
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], HeaderLength);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], SegmentSize);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], ChecksumStart);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], ChecksumOffset);
    }
}
