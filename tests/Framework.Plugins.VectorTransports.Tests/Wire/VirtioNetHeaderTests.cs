using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using Framework.Plugins.VectorTransports.Wire;

namespace Framework.Plugins.VectorTransports.Tests.Wire;

public sealed class VirtioNetHeaderTests
{
    [Fact]
    public void Transmit_header_asks_for_no_offload()
    {
        var header = new byte[10];
        header.AsSpan().Fill(0xff);
        new VirtioNetHeader().WriteHeader(header, TestFrames.Ethernet(60, 1));
        Assert.All(header, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Needs_checksum_is_completed_in_software()
    {
        // An IPv4/UDP frame whose UDP checksum field holds only the pseudo-header sum, as the kernel leaves it.
        var frame = TestFrames.Ethernet(14 + 20 + 8 + 6, 0, etherType: 0x0800);
        frame[14] = 0x45;
        frame[23] = 17;
        var udp = frame.AsSpan(34);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], 14);
        var payload = new byte[] { 1, 2, 3, 4, 5, 6 };
        payload.CopyTo(udp[8..]);
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], 0x1234);
        var header = new byte[10];
        header[0] = VirtioNetHeader.NeedsChecksum;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 34);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), 6);
        var datagram = header.Concat(frame).ToArray();
        Assert.Equal(DropReason.None, new VirtioNetHeader().Decapsulate(datagram, out var offset, out _));
        // Folding the finished segment together with nothing else gives 0xFFFF only if the field is right.
        var segment = datagram.AsSpan(offset + 34);
        var expected = (ushort)~SuperFrames.Fold(SuperFrames.Sum([.. segment[..6].ToArray(), 0x12, 0x34, .. segment[8..].ToArray()]));
        Assert.Equal(expected, BinaryPrimitives.ReadUInt16BigEndian(segment[6..]));
    }

    [Fact]
    public void GSO_frames_and_impossible_offsets_are_dropped_by_reason()
    {
        var frame = TestFrames.Ethernet(60, 1);
        var gso = new byte[10];
        gso[1] = 1;
        Assert.Equal(DropReason.Gso, new VirtioNetHeader().Decapsulate(gso.Concat(frame).ToArray(), out _, out _));
        var bad = new byte[10];
        bad[0] = VirtioNetHeader.NeedsChecksum;
        BinaryPrimitives.WriteUInt16LittleEndian(bad.AsSpan(6), 59);
        BinaryPrimitives.WriteUInt16LittleEndian(bad.AsSpan(8), 2);
        Assert.Equal(DropReason.VirtioHeader, new VirtioNetHeader().Decapsulate(bad.Concat(frame).ToArray(), out _, out _));
        Assert.Equal(DropReason.Truncated, new VirtioNetHeader().Decapsulate(new byte[12], out _, out _));
    }

    [Fact]
    public void Random_datagrams_never_throw() =>
        Prop.ForAll<byte[]>(bytes =>
        {
            _ = new VirtioNetHeader().Decapsulate(bytes, out _, out _);
            return true;
        }).QuickCheckThrowOnFailure();
}
