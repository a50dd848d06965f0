using System.Buffers.Binary;

namespace Framework.Plugins.VectorTransports.Wire;

/// <summary>
/// Ethernet over GRE (RFC 2784 with the key and sequence extensions of RFC 2890), protocol 0x6558, as
/// UML's gre transport: a 4-byte base header, then the key and the sequence number when enabled.
/// Checksums are not supported, like UML. Receive checks the base header word (flags, version and
/// protocol must be exactly what this end sends), the key, and, unless pinned, that the sequence
/// number advances.
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
    private readonly ushort _flags;
    private uint _txSequence;
    private SequenceCheck _rxSequence;

    /// <summary>Creates the encapsulation.</summary>
    /// <param name="rxKey">The key expected on receive, or null for no key (both keys or neither).</param>
    /// <param name="txKey">The key sent, or null.</param>
    /// <param name="sequence">Whether sequence numbers are sent and checked.</param>
    /// <param name="pinSequence">Send 0 as every sequence number and do not check order.</param>
    /// <param name="ipv4Header">Whether received datagrams start with an IPv4 header (IPv4 raw sockets).</param>
    public GreEncapsulation(uint? rxKey, uint? txKey, bool sequence, bool pinSequence, bool ipv4Header)
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
        _flags = (ushort)((rxKey.HasValue ? KeyFlag : 0) | (sequence ? SequenceFlag : 0));
        HeaderSize = 4 + (rxKey.HasValue ? 4 : 0) + (sequence ? 4 : 0);
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
        if (_txKey is uint key)
        {
            BinaryPrimitives.WriteUInt32BigEndian(header[offset..], key);
            offset += 4;
        }

        if (_sequence)
        {
            BinaryPrimitives.WriteUInt32BigEndian(header[offset..], _pinSequence ? 0 : ++_txSequence);
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
