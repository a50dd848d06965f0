using Framework.Plugins.VectorTransports.Wire;
using Framework.Plugins.VectorTransports.Wire.Segmentation;
using static Framework.Plugins.VectorTransports.Tests.Wire.SuperFrames;

namespace Framework.Plugins.VectorTransports.Tests.Wire;

public sealed class VirtioNetHeaderOffloadTests
{
    private static byte[] Datagram(OffloadInfo offload, byte[] frame)
    {
        var datagram = new byte[VirtioNetHeader.Size + frame.Length];
        offload.Write(datagram);
        frame.CopyTo(datagram, VirtioNetHeader.Size);
        return datagram;
    }

    [Fact]
    public void A_valid_super_frame_is_kept_whole_with_its_offload()
    {
        var frame = Tcp(false, Payload(30_000, 1));
        var offload = Offload(SegmentationType.TcpV4, 1448, checksumStart: 34, checksumOffset: 16);
        var datagram = Datagram(offload, frame);
        var header = new VirtioNetHeader();
        Assert.Equal(DropReason.None, header.Decapsulate(datagram, out var offset, out var length));
        Assert.Equal(offload, header.Received);
        Assert.Equal(frame, datagram.AsSpan(offset, length).ToArray());
    }

    [Fact]
    public void Whole_frames_and_dropped_super_frames_have_no_offload()
    {
        var header = new VirtioNetHeader();
        Assert.Equal(DropReason.None, header.Decapsulate(Datagram(Offload(SegmentationType.TcpV4, 1448), Tcp(false, Payload(3000, 1))), out _, out _));
        Assert.True(header.Received.IsSegmentation);
        Assert.Equal(DropReason.GsoSize, header.Decapsulate(Datagram(Offload(SegmentationType.TcpV4, 0), Tcp(false, Payload(3000, 1))), out _, out _));
        Assert.Equal(OffloadInfo.None, header.Received);
        Assert.Equal(DropReason.None, header.Decapsulate(Datagram(OffloadInfo.None, TestFrames.Ethernet(60, 1)), out _, out _));
        Assert.Equal(OffloadInfo.None, header.Received);
        Assert.Equal(DropReason.Gso, header.Decapsulate(Datagram(Offload(SegmentationType.TcpV6, 1448), Tcp(false, Payload(3000, 1))), out _, out _));
        Assert.Equal(OffloadInfo.None, header.Received);
    }

    [Fact]
    public void The_transmit_header_describes_a_passed_through_super_frame()
    {
        var bytes = new byte[10];
        VirtioNetHeader.WriteHeader(bytes, new OffloadInfo(OffloadInfo.NeedsChecksumFlag, 4, 74, 1428, 54, 16));
        Assert.Equal(new byte[] { 1, 4, 74, 0, 0x94, 5, 54, 0, 16, 0 }, bytes);
    }

    [Fact]
    public void Random_headers_in_front_of_super_frames_never_throw()
    {
        var random = new Random(6);
        var frames = new[] { Tcp(false, Payload(5000, 1)), Tcp(true, Payload(5000, 2), vlan: true), Udp(false, Payload(5000, 3)) };
        var header = new VirtioNetHeader();
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[10];
            random.NextBytes(bytes);
            bytes[1] = (byte)(random.Next(2) == 0 ? random.Next(8) : bytes[1]);
            var datagram = Datagram(OffloadInfo.Read(bytes), frames[i % frames.Length]);
            var reason = header.Decapsulate(datagram, out _, out _);
            Assert.True(reason == DropReason.None || header.Received == OffloadInfo.None);
        }
    }
}
