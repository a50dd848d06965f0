using System.Buffers.Binary;

namespace Framework.Plugins.VectorTransports.Wire;

/// <summary>
/// Ethernet pseudowire over L2TPv3 (RFC 3931) as UML's l2tpv3 transport sends it: over UDP a 32-bit
/// header word (T=0 for data, version 3), then the session id, the optional 32 or 64-bit cookie and
/// the optional 32-bit counter; over IP (protocol 115) the same without the first word. Receive checks
/// the UDP header word (data message, version 3), the cookie and the session as UML does, and, unless
/// pinned, that the counter advances.
/// </summary>
public sealed class L2tpv3Encapsulation : IEncapsulation
{
    /// <summary>The UDP header word of a data message: T=0, version 3.</summary>
    public const uint UdpDataHeader = 0x0003_0000;

    private readonly bool _udp;
    private readonly bool _ipv4Header;
    private readonly uint _rxSession;
    private readonly uint _txSession;
    private readonly ulong? _rxCookie;
    private readonly ulong? _txCookie;
    private readonly int _cookieLength;
    private readonly bool _counter;
    private readonly bool _pinCounter;
    private uint _txCounter;
    private SequenceCheck _rxCounter;

    /// <summary>Creates the encapsulation.</summary>
    /// <param name="udp">UDP flavour (with the header word) rather than IP protocol 115.</param>
    /// <param name="ipv4Header">Whether received datagrams start with an IPv4 header (IPv4 raw sockets).</param>
    /// <param name="rxSession">Session id expected on receive.</param>
    /// <param name="txSession">Session id sent.</param>
    /// <param name="rxCookie">Cookie expected on receive, or null for none (both cookies or neither).</param>
    /// <param name="txCookie">Cookie sent, or null.</param>
    /// <param name="cookie64">64-bit cookies rather than 32-bit.</param>
    /// <param name="counter">Whether the counter is sent and checked.</param>
    /// <param name="pinCounter">Send 0 as every counter and do not check order.</param>
    public L2tpv3Encapsulation(bool udp, bool ipv4Header, uint rxSession, uint txSession, ulong? rxCookie, ulong? txCookie, bool cookie64, bool counter, bool pinCounter)
    {
        if (rxCookie.HasValue != txCookie.HasValue)
        {
            throw new ArgumentException("rx_cookie and tx_cookie go together.", nameof(rxCookie));
        }

        if (!cookie64 && (rxCookie > uint.MaxValue || txCookie > uint.MaxValue))
        {
            throw new ArgumentException("32-bit cookies do not hold this value; set cookie64.", nameof(rxCookie));
        }

        _udp = udp;
        _ipv4Header = ipv4Header;
        _rxSession = rxSession;
        _txSession = txSession;
        _rxCookie = rxCookie;
        _txCookie = txCookie;
        _cookieLength = rxCookie.HasValue ? (cookie64 ? 8 : 4) : 0;
        _counter = counter;
        _pinCounter = pinCounter;
        HeaderSize = (udp ? 4 : 0) + 4 + _cookieLength + (counter ? 4 : 0);
    }

    /// <inheritdoc />
    public int HeaderSize { get; }

    /// <inheritdoc />
    public int MaximumReceiveOverhead => HeaderSize + (_ipv4Header ? Ipv4Header.MaximumLength : 0);

    /// <inheritdoc />
    public void WriteHeader(Span<byte> header, ReadOnlySpan<byte> frame)
    {
        var offset = 0;
        if (_udp)
        {
            BinaryPrimitives.WriteUInt32BigEndian(header, UdpDataHeader);
            offset = 4;
        }

        BinaryPrimitives.WriteUInt32BigEndian(header[offset..], _txSession);
        offset += 4;
        if (_txCookie is ulong cookie)
        {
            if (_cookieLength == 8)
            {
                BinaryPrimitives.WriteUInt64BigEndian(header[offset..], cookie);
            }
            else
            {
                BinaryPrimitives.WriteUInt32BigEndian(header[offset..], (uint)cookie);
            }

            offset += _cookieLength;
        }

        if (_counter)
        {
            BinaryPrimitives.WriteUInt32BigEndian(header[offset..], _pinCounter ? 0 : ++_txCounter);
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

        var l2tp = datagram[start..];
        if (l2tp.Length < HeaderSize)
        {
            return DropReason.Truncated;
        }

        var offset = 0;
        if (_udp)
        {
            // T bit clear (data message) and version 3; the rest of the word is reserved.
            var word = BinaryPrimitives.ReadUInt32BigEndian(l2tp);
            if ((word & 0x8000_0000) != 0 || ((word >> 16) & 0xF) != 3)
            {
                return DropReason.Header;
            }

            offset = 4;
        }

        var session = BinaryPrimitives.ReadUInt32BigEndian(l2tp[offset..]);
        offset += 4;
        if (_rxCookie is ulong expected)
        {
            var cookie = _cookieLength == 8 ? BinaryPrimitives.ReadUInt64BigEndian(l2tp[offset..]) : BinaryPrimitives.ReadUInt32BigEndian(l2tp[offset..]);
            if (cookie != expected)
            {
                return DropReason.Cookie;
            }

            offset += _cookieLength;
        }

        if (session != _rxSession)
        {
            return DropReason.Session;
        }

        if (_counter && !_pinCounter && !_rxCounter.Accept(BinaryPrimitives.ReadUInt32BigEndian(l2tp[offset..])))
        {
            return DropReason.Sequence;
        }

        frameOffset = start + HeaderSize;
        frameLength = datagram.Length - frameOffset;
        return frameLength < EthernetFrame.HeaderLength ? DropReason.Truncated : DropReason.None;
    }
}
