using System.Buffers.Binary;
using Framework.Plugins.VectorTransports.Wire.Segmentation;

namespace Framework.Plugins.VectorTransports.Wire;

/// <summary>
/// The legacy 10-byte virtio-net header (struct virtio_net_hdr, little-endian) that tap devices with
/// IFF_VNET_HDR and packet sockets with PACKET_VNET_HDR put in front of each frame. On receive a frame
/// whose checksum the sender left to us (NEEDS_CSUM) gets it computed here, so it can cross any
/// transport; a segmentation super-frame (GSO) is validated (<see cref="SoftwareSegmenter.Plan"/>)
/// and kept whole, its offload in <see cref="Received"/>, for the transmitting side to pass on or to
/// segment. On transmit the header says no offload, or describes a super-frame passed through.
/// </summary>
public sealed class VirtioNetHeader : IEncapsulation
{
    /// <summary>sizeof(struct virtio_net_hdr).</summary>
    public const int Size = OffloadInfo.Size;

    /// <summary>VIRTIO_NET_HDR_F_NEEDS_CSUM.</summary>
    public const byte NeedsChecksum = OffloadInfo.NeedsChecksumFlag;

    /// <summary>VIRTIO_NET_HDR_F_DATA_VALID.</summary>
    public const byte DataValid = OffloadInfo.DataValidFlag;

    /// <summary>VIRTIO_NET_HDR_GSO_NONE.</summary>
    public const byte GsoNone = 0;

    /// <inheritdoc />
    public int HeaderSize => Size;

    /// <inheritdoc />
    public int MaximumReceiveOverhead => Size;

    /// <summary>The offload of the datagram last accepted by <see cref="Decapsulate"/>: <see cref="OffloadInfo.None"/>
    /// for whole frames (including those whose checksum was completed), the header for super-frames.
    /// Belongs to the receive thread.</summary>
    public OffloadInfo Received { get; private set; }

    /// <inheritdoc />
    public void WriteHeader(Span<byte> header, ReadOnlySpan<byte> frame) => header[..Size].Clear();

    /// <summary>Writes a header describing <paramref name="offload"/> (from <see cref="SoftwareSegmenter.PrepareOffload"/>).</summary>
    public static void WriteHeader(Span<byte> header, in OffloadInfo offload) => offload.Write(header);

    /// <inheritdoc />
    public DropReason Decapsulate(Span<byte> datagram, out int frameOffset, out int frameLength)
    {
        frameOffset = Size;
        frameLength = datagram.Length - Size;
        Received = OffloadInfo.None;
        if (datagram.Length < Size + EthernetFrame.HeaderLength)
        {
            return DropReason.Truncated;
        }

        var offload = OffloadInfo.Read(datagram);
        var frame = datagram[Size..];
        if (offload.IsSegmentation)
        {
            // Checksums are computed per segment (or left to the device the frame is passed to): not here.
            var reason = SoftwareSegmenter.Plan(frame, offload, out _);
            if (reason == DropReason.None)
            {
                Received = offload;
            }

            return reason;
        }

        if (offload.NeedsChecksum)
        {
            var start = offload.ChecksumStart;
            var offset = offload.ChecksumOffset;
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
