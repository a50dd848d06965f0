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
            var rx = new GreEncapsulation(1, 1, true, false, ipv4Header: bytes.Length % 2 == 0);
            var reason = rx.Decapsulate(bytes, out var offset, out var length);
            return reason != DropReason.None || (offset >= 0 && offset + length == bytes.Length && length >= 14);
        }).QuickCheckThrowOnFailure();
    }
}
