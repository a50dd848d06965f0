using System.Buffers.Binary;
using Framework.Plugins.VectorTransports.Wire;
using Framework.Plugins.VectorTransports.Wire.Segmentation;
using static Framework.Plugins.VectorTransports.Tests.Wire.SuperFrames;

namespace Framework.Plugins.VectorTransports.Tests.Wire;

public sealed class SoftwareSegmenterTests
{
    [Theory]
    [InlineData(false, false, 10_000, 1448)]
    [InlineData(false, true, 10_000, 1448)]
    [InlineData(false, false, 1448 * 5, 1448)]
    [InlineData(true, false, 63_000, 1428)]
    [InlineData(true, true, 1428 * 3, 1428)]
    [InlineData(false, false, 65_000, 64)]
    [InlineData(false, false, 999, 1448)]
    [InlineData(false, false, 1001, 7)]
    public void TCP_super_frames_become_segments_whose_headers_and_checksums_check(bool ipv6, bool vlan, int length, int mss)
    {
        var payload = Payload(length, length);
        const uint Sequence = 0xfffff000; // wraps inside the super-frame
        var frame = Tcp(ipv6, payload, vlan, Ack | Psh | Fin, Sequence);
        var segments = Segment(frame, Offload(ipv6 ? SegmentationType.TcpV6 : SegmentationType.TcpV4, mss));
        Assert.Equal((length + mss - 1) / mss, segments.Count);
        var l3 = vlan ? 18 : 14;
        var l4 = l3 + (ipv6 ? 40 : 20);
        var reassembled = new List<byte>();
        for (var i = 0; i < segments.Count; i++)
        {
            var s = segments[i];
            var chunk = Math.Min(mss, length - (i * mss));
            Assert.Equal(l4 + 32 + chunk, s.Length);
            Assert.Equal(frame.AsSpan(0, l3).ToArray(), s.AsSpan(0, l3).ToArray());
            if (ipv6)
            {
                Assert.Equal(32 + chunk, BinaryPrimitives.ReadUInt16BigEndian(s.AsSpan(l3 + 4)));
            }
            else
            {
                Assert.Equal(20 + 32 + chunk, BinaryPrimitives.ReadUInt16BigEndian(s.AsSpan(l3 + 2)));
                Assert.Equal((ushort)(0xfffe + i), BinaryPrimitives.ReadUInt16BigEndian(s.AsSpan(l3 + 4)));
                Assert.Equal(0x4000, BinaryPrimitives.ReadUInt16BigEndian(s.AsSpan(l3 + 6)));
                Assert.True(Verifies(s.AsSpan(l3, 20)), $"IPv4 header checksum of segment {i}");
            }

            Assert.Equal(unchecked(Sequence + (uint)(i * mss)), BinaryPrimitives.ReadUInt32BigEndian(s.AsSpan(l4 + 4)));
            var last = i == segments.Count - 1;
            Assert.Equal(last ? Ack | Psh | Fin : Ack, s[l4 + 13]);
            Assert.True(TransportVerifies(s.AsSpan(l3), ipv6, 6, s.AsSpan(l4)), $"TCP checksum of segment {i}");
            Assert.Equal(frame.AsSpan(l4 + 20, 12).ToArray(), s.AsSpan(l4 + 20, 12).ToArray());
            reassembled.AddRange(s.AsSpan(l4 + 32).ToArray());
        }

        Assert.Equal(payload, reassembled);
    }

    [Fact]
    public void With_ECN_only_the_first_segment_keeps_CWR()
    {
        var frame = Tcp(false, Payload(5000, 1), flags: Ack | Cwr);
        var segments = Segment(frame, Offload(SegmentationType.TcpV4, 1000, ecn: true));
        Assert.Equal(5, segments.Count);
        Assert.Equal(Ack | Cwr, segments[0][14 + 20 + 13]);
        Assert.All(segments.Skip(1), s => Assert.Equal(Ack, s[14 + 20 + 13]));
    }

    [Fact]
    public void IPv4_options_are_copied_into_every_segment()
    {
        var payload = Payload(3000, 2);
        var frame = Tcp(false, payload, ipOptions: 8);
        var segments = Segment(frame, Offload(SegmentationType.TcpV4, 1400));
        Assert.Equal(3, segments.Count);
        Assert.All(segments, s =>
        {
            Assert.Equal(0x47, s[14]);
            Assert.True(Verifies(s.AsSpan(14, 28)));
            Assert.True(TransportVerifies(s.AsSpan(14), false, 6, s.AsSpan(42)));
        });
        Assert.Equal(payload, segments.SelectMany(s => s.Skip(42 + 32)));
    }

    [Theory]
    [InlineData(false, false, 8000, 1472)]
    [InlineData(true, true, 8000, 1000)]
    [InlineData(false, true, 3000, 1000)]
    public void UDP_L4_super_frames_become_datagrams_with_their_own_length_and_checksum(bool ipv6, bool vlan, int length, int size)
    {
        var payload = Payload(length, 3);
        var frame = Udp(ipv6, payload, vlan);
        var segments = Segment(frame, Offload(SegmentationType.UdpL4, size));
        Assert.Equal((length + size - 1) / size, segments.Count);
        var l3 = vlan ? 18 : 14;
        var l4 = l3 + (ipv6 ? 40 : 20);
        for (var i = 0; i < segments.Count; i++)
        {
            var s = segments[i];
            var chunk = Math.Min(size, length - (i * size));
            Assert.Equal(8 + chunk, BinaryPrimitives.ReadUInt16BigEndian(s.AsSpan(l4 + 4)));
            Assert.NotEqual(0, BinaryPrimitives.ReadUInt16BigEndian(s.AsSpan(l4 + 6)));
            Assert.True(TransportVerifies(s.AsSpan(l3), ipv6, 17, s.AsSpan(l4)), $"UDP checksum of datagram {i}");
            if (!ipv6)
            {
                Assert.True(Verifies(s.AsSpan(l3, 20)));
                Assert.Equal((ushort)(0x4242 + i), BinaryPrimitives.ReadUInt16BigEndian(s.AsSpan(l3 + 4)));
            }
        }

        Assert.Equal(payload, segments.SelectMany(s => s.Skip(l4 + 8)));
    }

    [Fact]
    public void A_UDP_checksum_that_computes_to_zero_is_sent_as_all_ones()
    {
        // Find a two-byte payload whose datagram sums to all ones, so that its checksum computes to zero.
        for (var value = 0; value < 0x10000; value++)
        {
            var frame = Udp(false, [(byte)(value >> 8), (byte)value]);
            var segments = Segment(frame, Offload(SegmentationType.UdpL4, 100));
            if (BinaryPrimitives.ReadUInt16BigEndian(segments[0].AsSpan(40)) == 0xFFFF)
            {
                Assert.True(TransportVerifies(segments[0].AsSpan(14), false, 17, segments[0].AsSpan(34)));
                return;
            }
        }

        Assert.Fail("no payload gave a zero checksum");
    }

    [Theory]
    [InlineData(4000, 1480)]
    [InlineData(2952, 1480)]
    [InlineData(3000, 1483)]
    public void UFO_super_frames_become_IPv4_fragments(int length, int size)
    {
        var payload = Payload(length, 4);
        var frame = Udp(false, payload);
        var unit = size & ~7;
        var segments = Segment(frame, Offload(SegmentationType.Udp, size));
        Assert.Equal((8 + length + unit - 1) / unit, segments.Count);
        var datagram = new List<byte>();
        for (var i = 0; i < segments.Count; i++)
        {
            var s = segments[i];
            var last = i == segments.Count - 1;
            Assert.True(Verifies(s.AsSpan(14, 20)));
            Assert.Equal(0x4242, BinaryPrimitives.ReadUInt16BigEndian(s.AsSpan(18)));
            var fragment = BinaryPrimitives.ReadUInt16BigEndian(s.AsSpan(20));
            Assert.Equal(last ? 0 : 0x2000, fragment & 0xE000);
            Assert.Equal(datagram.Count, (fragment & 0x1FFF) * 8);
            Assert.Equal(s.Length - 14, BinaryPrimitives.ReadUInt16BigEndian(s.AsSpan(16)));
            Assert.True(last || (s.Length - 34) % 8 == 0);
            datagram.AddRange(s.Skip(34));
        }

        var whole = datagram.ToArray();
        Assert.Equal(8 + length, BinaryPrimitives.ReadUInt16BigEndian(whole.AsSpan(4)));
        Assert.True(TransportVerifies(frame.AsSpan(14), false, 17, whole), "UDP checksum over the reassembled datagram");
        Assert.Equal(payload, whole.Skip(8));
    }

    [Theory]
    [InlineData(SegmentationType.TcpV4, false)]
    [InlineData(SegmentationType.TcpV6, true)]
    [InlineData(SegmentationType.UdpL4, true)]
    [InlineData(SegmentationType.Udp, false)]
    public void Prepared_for_offload_the_header_describes_the_frame_and_the_field_holds_the_pseudo_header_sum(SegmentationType type, bool ipv6)
    {
        var tcp = type is SegmentationType.TcpV4 or SegmentationType.TcpV6;
        var frame = tcp ? Tcp(ipv6, Payload(20_000, 5), vlan: true) : Udp(ipv6, Payload(20_000, 5), vlan: true);
        var l4 = 18 + (ipv6 ? 40 : 20);
        Assert.Equal(DropReason.None, SoftwareSegmenter.Plan(frame, Offload(type, 1400), out var layout));
        var offload = SoftwareSegmenter.PrepareOffload(frame, layout);
        Assert.Equal(new OffloadInfo(OffloadInfo.NeedsChecksumFlag, (byte)type, (ushort)(l4 + (tcp ? 32 : 8)), 1400, (ushort)l4, (ushort)(tcp ? 16 : 6)), offload);
        // What a device does with NEEDS_CSUM: sum from csum_start (field included) and store the complement.
        var field = l4 + offload.ChecksumOffset;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(field), (ushort)~Fold(Sum(frame.AsSpan(l4))));
        Assert.True(TransportVerifies(frame.AsSpan(18), ipv6, tcp ? (byte)6 : (byte)17, frame.AsSpan(l4)));
        // And the prepared frame validates again with the header it now has.
        Assert.Equal(DropReason.None, SoftwareSegmenter.Plan(frame, offload, out _));
    }

    [Fact]
    public void Bytes_after_the_IP_packet_are_not_payload()
    {
        var payload = Payload(3000, 6);
        var frame = Tcp(false, payload).Concat(new byte[7]).ToArray();
        var segments = Segment(frame, Offload(SegmentationType.TcpV4, 1000));
        Assert.Equal(payload, segments.SelectMany(s => s.Skip(66)));
    }

    [Fact]
    public void A_super_frame_no_longer_than_gso_size_is_one_frame()
    {
        var frame = Tcp(false, Payload(100, 7), flags: Ack | Fin);
        var segments = Segment(frame, Offload(SegmentationType.TcpV4, 1448));
        var s = Assert.Single(segments);
        Assert.Equal(frame.Length, s.Length);
        Assert.Equal(Ack | Fin, s[47]);
        Assert.True(TransportVerifies(s.AsSpan(14), false, 6, s.AsSpan(34)));
    }

    [Fact]
    public void A_destination_too_short_or_an_index_out_of_range_writes_nothing()
    {
        var frame = Tcp(false, Payload(3000, 8));
        Assert.Equal(DropReason.None, SoftwareSegmenter.Plan(frame, Offload(SegmentationType.TcpV4, 1000), out var layout));
        Assert.Equal(0, SoftwareSegmenter.WriteSegment(frame, layout, 0, new byte[layout.LargestSegment - 1]));
        Assert.Equal(0, SoftwareSegmenter.WriteSegment(frame, layout, 3, new byte[2000]));
        Assert.Equal(0, SoftwareSegmenter.WriteSegment(frame, layout, -1, new byte[2000]));
        Assert.Equal(0, SoftwareSegmenter.WriteSegment(frame.AsSpan(0, 100), layout, 0, new byte[2000]));
    }

    [Fact]
    public void The_offload_header_round_trips_little_endian()
    {
        var offload = new OffloadInfo(1, 0x81, 0x0102, 0x0304, 0x0506, 0x0708);
        var bytes = new byte[10];
        offload.Write(bytes);
        Assert.Equal(new byte[] { 1, 0x81, 2, 1, 4, 3, 6, 5, 8, 7 }, bytes);
        Assert.Equal(offload, OffloadInfo.Read(bytes));
        Assert.True(offload.Ecn);
        Assert.Equal(SegmentationType.TcpV4, offload.Type);
        Assert.Equal(OffloadInfo.None, OffloadInfo.Read(bytes.AsSpan(0, 9)));
    }
}
