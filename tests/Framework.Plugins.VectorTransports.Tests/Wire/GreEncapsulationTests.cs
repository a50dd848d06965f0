using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using Framework.Plugins.VectorTransports.Wire;

namespace Framework.Plugins.VectorTransports.Tests.Wire;

public sealed class GreEncapsulationTests
{
    private static byte[] Encapsulate(GreEncapsulation gre, byte[] frame)
    {
        var datagram = new byte[gre.HeaderSize + frame.Length];
        gre.WriteHeader(datagram, frame);
        frame.CopyTo(datagram, gre.HeaderSize);
        return datagram;
    }

    [Fact]
    public void Header_carries_protocol_6558_key_and_sequence_in_RFC_2890_order()
    {
        var gre = new GreEncapsulation(rxKey: 7, txKey: 0x01020304, sequence: true, pinSequence: false, ipv4Header: false);
        Assert.Equal(12, gre.HeaderSize);
        var datagram = Encapsulate(gre, TestFrames.Ethernet(60, 1));
        Assert.Equal(0x3000, BinaryPrimitives.ReadUInt16BigEndian(datagram));
        Assert.Equal(0x6558, BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(2)));
        Assert.Equal(0x01020304u, BinaryPrimitives.ReadUInt32BigEndian(datagram.AsSpan(4)));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(datagram.AsSpan(8)));
        datagram = Encapsulate(gre, TestFrames.Ethernet(60, 2));
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32BigEndian(datagram.AsSpan(8)));
    }

    [Fact]
    public void Plain_header_is_four_bytes()
    {
        var gre = new GreEncapsulation(null, null, false, false, false);
        var datagram = Encapsulate(gre, TestFrames.Ethernet(60, 1));
        Assert.Equal(4, gre.HeaderSize);
        Assert.Equal(0u, BinaryPrimitives.ReadUInt16BigEndian(datagram));
    }

    [Fact]
    public void Pinned_sequence_is_always_zero()
    {
        var gre = new GreEncapsulation(null, null, true, true, false);
        Encapsulate(gre, TestFrames.Ethernet(60, 1));
        var datagram = Encapsulate(gre, TestFrames.Ethernet(60, 1));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(datagram.AsSpan(4)));
    }

    [Fact]
    public void Receive_accepts_the_peers_frame_and_finds_it_after_the_IPv4_header()
    {
        var tx = new GreEncapsulation(rxKey: 2, txKey: 1, sequence: true, pinSequence: false, ipv4Header: false);
        var rx = new GreEncapsulation(rxKey: 1, txKey: 2, sequence: true, pinSequence: false, ipv4Header: true);
        var frame = TestFrames.Ethernet(100, 5);
        var ip = new byte[24];
        ip[0] = 0x46; // IHL 6: options are skipped by length
        var datagram = ip.Concat(Encapsulate(tx, frame)).ToArray();
        Assert.Equal(DropReason.None, rx.Decapsulate(datagram, out var offset, out var length));
        Assert.Equal(frame, datagram.AsSpan(offset, length).ToArray());
    }

    [Fact]
    public void Wrong_key_header_and_old_sequence_are_dropped_by_reason()
    {
        var rx = new GreEncapsulation(rxKey: 1, txKey: 1, sequence: true, pinSequence: false, ipv4Header: false);
        var good = new GreEncapsulation(rxKey: 1, txKey: 1, sequence: true, pinSequence: false, ipv4Header: false);
        var wrongKey = new GreEncapsulation(rxKey: 9, txKey: 9, sequence: true, pinSequence: false, ipv4Header: false);
        var noSequence = new GreEncapsulation(rxKey: 1, txKey: 1, sequence: false, pinSequence: false, ipv4Header: false);
        var frame = TestFrames.Ethernet(60, 1);
        var first = Encapsulate(good, frame);
        var second = Encapsulate(good, frame);
        Assert.Equal(DropReason.None, rx.Decapsulate(second, out _, out _));
        Assert.Equal(DropReason.Sequence, rx.Decapsulate(first, out _, out _));
        Assert.Equal(DropReason.Sequence, rx.Decapsulate(second.ToArray(), out _, out _));
        Assert.Equal(DropReason.Key, rx.Decapsulate(Encapsulate(wrongKey, frame), out _, out _));
        Assert.Equal(DropReason.Header, rx.Decapsulate(Encapsulate(noSequence, frame), out _, out _));
        var otherProtocol = Encapsulate(good, frame);
        otherProtocol[3] = 0x00;
        Assert.Equal(DropReason.Header, rx.Decapsulate(otherProtocol, out _, out _));
    }

    [Fact]
    public void Checksum_comes_first_after_the_base_header_and_covers_header_and_frame()
    {
        var gre = new GreEncapsulation(rxKey: 5, txKey: 0x0a0b0c0d, sequence: true, pinSequence: false, ipv4Header: false, checksum: true);
        Assert.Equal(16, gre.HeaderSize);
        foreach (var size in new[] { 60, 61, 1514 })
        {
            var datagram = Encapsulate(gre, TestFrames.Ethernet(size, size));
            Assert.Equal(0xb000, BinaryPrimitives.ReadUInt16BigEndian(datagram));
            Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(6)));
            Assert.Equal(0x0a0b0c0du, BinaryPrimitives.ReadUInt32BigEndian(datagram.AsSpan(8)));

            // RFC 2784: the ones' complement of the ones' complement sum of the GRE header and payload,
            // computed here word by word with the checksum field taken as zero.
            var written = BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(4));
            datagram[4] = datagram[5] = 0;
            uint sum = 0;
            for (var i = 0; i < datagram.Length; i += 2)
            {
                sum += (uint)(datagram[i] << 8) | (i + 1 < datagram.Length ? datagram[i + 1] : 0u);
                sum = (sum & 0xFFFF) + (sum >> 16);
            }

            Assert.Equal((ushort)~sum, written);
        }
    }

    [Fact]
    public void Checksummed_packets_are_accepted_intact_and_dropped_by_reason_when_a_bit_changed_or_the_checksum_is_missing()
    {
        var tx = new GreEncapsulation(rxKey: null, txKey: null, sequence: false, pinSequence: false, ipv4Header: false, checksum: true);
        var rx = new GreEncapsulation(rxKey: null, txKey: null, sequence: false, pinSequence: false, ipv4Header: false, checksum: true);
        var frame = TestFrames.Ethernet(333, 9);
        var datagram = Encapsulate(tx, frame);
        Assert.Equal(DropReason.None, rx.Decapsulate(datagram, out var offset, out var length));
        Assert.Equal(frame, datagram.AsSpan(offset, length).ToArray());

        for (var i = 4; i < datagram.Length; i += 37)
        {
            var corrupted = datagram.ToArray();
            corrupted[i] ^= 0x10;
            Assert.Equal(DropReason.Checksum, rx.Decapsulate(corrupted, out _, out _));
        }

        var plain = Encapsulate(new GreEncapsulation(null, null, false, false, false), frame);
        Assert.Equal(DropReason.Header, rx.Decapsulate(plain, out _, out _));
        Assert.Equal(DropReason.Header, new GreEncapsulation(null, null, false, false, false).Decapsulate(datagram, out _, out _));
    }

    [Fact]
    public void Truncated_datagrams_are_dropped_as_truncated()
    {
        var rx = new GreEncapsulation(1, 1, true, false, ipv4Header: true);
        Assert.Equal(DropReason.Truncated, rx.Decapsulate(new byte[10], out _, out _));
        var ip = new byte[20];
        ip[0] = 0x45;
        Assert.Equal(DropReason.Truncated, rx.Decapsulate(ip.Concat(new byte[] { 0x30, 0, 0x65, 0x58 }).ToArray(), out _, out _));
        var tx = new GreEncapsulation(1, 1, true, false, false);
        var shortFrame = ip.Concat(Encapsulate(tx, new byte[10])).ToArray();
        Assert.Equal(DropReason.Truncated, rx.Decapsulate(shortFrame, out _, out _));
        var badIhl = ip.ToArray();
        badIhl[0] = 0x43;
        Assert.Equal(DropReason.Header, rx.Decapsulate(badIhl.Concat(new byte[40]).ToArray(), out _, out _));
    }

    [Fact]
    public void Random_datagrams_never_throw()
    {
        Prop.ForAll<byte[]>(bytes =>
        {
            var rx = new GreEncapsulation(1, 1, true, false, ipv4Header: bytes.Length % 2 == 0, checksum: bytes.Length % 3 == 0);
            var reason = rx.Decapsulate(bytes, out var offset, out var length);
            return reason != DropReason.None || (offset >= 0 && offset + length == bytes.Length && length >= 14);
        }).QuickCheckThrowOnFailure();
    }
}
