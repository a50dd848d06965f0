using System.Buffers.Binary;

namespace Framework.Plugins.VectorTransports.Wire;

/// <summary>
/// Ethernet over GRE (RFC 2784 with the key and sequence extensions of RFC 2890), protocol 0x6558, as
/// UML's gre transport: a 4-byte base header, then, when enabled, the checksum with its reserved half
/// word, the key and the sequence number, in that order. UML has no checksums; with them on (Linux's
/// <c>csum</c>) every packet carries the ones' complement of the ones' complement sum of the whole GRE
/// packet, and receive requires and verifies it. Receive checks the base header word (flags, version and
/// protocol must be exactly what this end sends), the checksum, the key, and, unless pinned, that the
/// sequence number advances.
/// </summary>
public sealed class GreEncapsulation : IEncapsulation
{
    /// <summary>The C (checksum present) flag.</summary>
    public const ushort ChecksumFlag = 0x8000;

    /// <summary>The K (key present) flag.</summary>
    public const ushort KeyFlag = 0x2000;

    /// <summary>The S (sequence number present) flag.</summary>
    public const ushort SequenceFlag = 0x1000;

    private readonly uint? _rxKey;
    private readonly uint? _txKey;
    private readonly bool _sequence;
    private readonly bool _pinSequence;
    private readonly bool _ipv4Header;
    private readonly bool _checksum;
    private readonly ushort _flags;
    private uint _txSequence;
    private SequenceCheck _rxSequence;

    /// <summary>Creates the encapsulation.</summary>
    /// <param name="rxKey">The key expected on receive, or null for no key (both keys or neither).</param>
    /// <param name="txKey">The key sent, or null.</param>
    /// <param name="sequence">Whether sequence numbers are sent and checked.</param>
    /// <param name="pinSequence">Send 0 as every sequence number and do not check order.</param>
    /// <param name="ipv4Header">Whether received datagrams start with an IPv4 header (IPv4 raw sockets).</param>
    /// <param name="checksum">Whether checksums are sent, and required and verified on receive.</param>
    public GreEncapsulation(uint? rxKey, uint? txKey, bool sequence, bool pinSequence, bool ipv4Header, bool checksum = false)
    {
        if (rxKey.HasValue != txKey.HasValue)
        {
            throw new ArgumentException("rx_key and tx_key go together.", nameof(rxKey));
        }

        _rxKey = rxKey;
        _txKey = txKey;
        _sequence = sequence;
        _pinSequence = pinSequence;
        _ipv4Header = ipv4Header;
        _checksum = checksum;
        _flags = (ushort)((checksum ? ChecksumFlag : 0) | (rxKey.HasValue ? KeyFlag : 0) | (sequence ? SequenceFlag : 0));
        HeaderSize = 4 + (checksum ? 4 : 0) + (rxKey.HasValue ? 4 : 0) + (sequence ? 4 : 0);
    }

    /// <inheritdoc />
    public int HeaderSize { get; }

    /// <inheritdoc />
    public int MaximumReceiveOverhead => HeaderSize + (_ipv4Header ? Ipv4Header.MaximumLength : 0);

    /// <summary>The last sequence number sent.</summary>
    public uint TransmitSequence => _txSequence;

    /// <inheritdoc />
    public void WriteHeader(Span<byte> header, ReadOnlySpan<byte> frame)
    {
        BinaryPrimitives.WriteUInt16BigEndian(header, _flags);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], EthernetFrame.TransparentEthernetBridging);
        var offset = 4;
        if (_checksum)
        {
            // Checksum and reserved start as zero; the checksum is filled in once the rest is written.
            BinaryPrimitives.WriteUInt32BigEndian(header[offset..], 0);
            offset += 4;
        }

        if (_txKey is uint key)
        {
            BinaryPrimitives.WriteUInt32BigEndian(header[offset..], key);
            offset += 4;
        }

        if (_sequence)
        {
            BinaryPrimitives.WriteUInt32BigEndian(header[offset..], _pinSequence ? 0 : ++_txSequence);
        }

        if (_checksum)
        {
            // The header is a whole number of 16-bit words, so its sum and the frame's add up to the
            // sum over the packet as sent.
            var sum = InternetChecksum.Fold((ulong)InternetChecksum.Sum(header[..HeaderSize]) + InternetChecksum.Sum(frame));
            BinaryPrimitives.WriteUInt16BigEndian(header[4..], (ushort)~sum);
        }
    }

    /// <inheritdoc />
    public DropReason Decapsulate(Span<byte> datagram, out int frameOffset, out int frameLength)
    {
        frameOffset = 0;
        frameLength = 0;
        var start = 0;
        if (_ipv4Header)
        {
            var ip = Ipv4Header.Skip(datagram, out start);
            if (ip != DropReason.None)
            {
                return ip;
            }
        }

        var gre = datagram[start..];
        if (gre.Length < 4)
        {
            return DropReason.Truncated;
        }

        if (BinaryPrimitives.ReadUInt16BigEndian(gre) != _flags
            || BinaryPrimitives.ReadUInt16BigEndian(gre[2..]) != EthernetFrame.TransparentEthernetBridging)
        {
            return DropReason.Header;
        }

        if (gre.Length < HeaderSize)
        {
            return DropReason.Truncated;
        }

        var offset = 4;
        if (_checksum)
        {
            // A packet with a right checksum sums to all ones, the checksum included.
            if (InternetChecksum.Sum(gre) != 0xFFFF)
            {
                return DropReason.Checksum;
            }

            offset += 4;
        }

        if (_rxKey is uint key)
        {
            if (BinaryPrimitives.ReadUInt32BigEndian(gre[offset..]) != key)
            {
                return DropReason.Key;
            }

            offset += 4;
        }

        if (_sequence && !_pinSequence && !_rxSequence.Accept(BinaryPrimitives.ReadUInt32BigEndian(gre[offset..])))
        {
            return DropReason.Sequence;
        }

        frameOffset = start + HeaderSize;
        frameLength = datagram.Length - frameOffset;
        return frameLength < EthernetFrame.HeaderLength ? DropReason.Truncated : DropReason.None;
    }
}
