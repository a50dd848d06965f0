using System.Buffers.Binary;
using Framework.Plugins.VectorTransports.Wire;
using Framework.Plugins.VectorTransports.Wire.Segmentation;
using static Framework.Plugins.VectorTransports.Tests.Wire.SuperFrames;

namespace Framework.Plugins.VectorTransports.Tests.Wire;

public sealed class SegmentationHostileInputTests
{
    private static readonly byte[] Tcp4 = Tcp(false, Payload(4000, 1));
    private static readonly OffloadInfo Tso4 = Offload(SegmentationType.TcpV4, 1448);

    [Fact]
    public void Gso_types_that_do_not_fit_the_frame_are_gso_drops()
    {
        Assert.Equal(DropReason.Gso, Plan(Tcp4, Offload(SegmentationType.TcpV6, 1448)));
        Assert.Equal(DropReason.Gso, Plan(Tcp4, Offload(SegmentationType.UdpL4, 1448)));
        Assert.Equal(DropReason.Gso, Plan(Tcp4, Offload(SegmentationType.Udp, 1448)));
        Assert.Equal(DropReason.Gso, Plan(Tcp(true, Payload(4000, 1)), Tso4));
        Assert.Equal(DropReason.Gso, Plan(Udp(true, Payload(4000, 1)), Offload(SegmentationType.Udp, 1448)));
        Assert.Equal(DropReason.Gso, Plan(Udp(false, Payload(4000, 1)), Offload(SegmentationType.UdpL4, 1448, ecn: true)));
        Assert.Equal(DropReason.Gso, Plan(Tcp4, Tso4 with { GsoType = 2 }));
        Assert.Equal(DropReason.Gso, Plan(Tcp4, Tso4 with { GsoType = 0x7f }));
        Assert.Equal(DropReason.Gso, Plan(Tcp4, OffloadInfo.None));
        Assert.Equal(DropReason.Gso, Plan(TestFrames.Ethernet(1000, 1), Tso4));
        var fragment = (byte[])Tcp4.Clone();
        fragment[20] |= 0x20;
        Assert.Equal(DropReason.Gso, Plan(fragment, Tso4));
        var qinqinq = Tcp4[..12].Concat(new byte[] { 0x81, 0, 0, 1, 0x81, 0, 0, 2, 0x81, 0, 0, 3 }).Concat(Tcp4[12..]).ToArray();
        Assert.Equal(DropReason.Gso, Plan(qinqinq, Tso4));
    }

    [Fact]
    public void Malformed_headers_are_gso_header_drops()
    {
        Assert.Equal(DropReason.GsoHeader, Plan(Mutate(Tcp4, f => f[14] = 0x44), Tso4));
        Assert.Equal(DropReason.GsoHeader, Plan(Mutate(Tcp4, f => f[14] = 0x55), Tso4));
        Assert.Equal(DropReason.GsoHeader, Plan(Mutate(Tcp4, f => BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(16), (ushort)(f.Length - 13))), Tso4));
        Assert.Equal(DropReason.GsoHeader, Plan(Mutate(Tcp4, f => BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(16), 19)), Tso4));
        Assert.Equal(DropReason.GsoHeader, Plan(Mutate(Tcp4, f => f[46] = 0x40), Tso4));
        Assert.Equal(DropReason.GsoHeader, Plan(Mutate(Tcp4, f => BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(16), 40)), Tso4));
        Assert.Equal(DropReason.GsoHeader, Plan(Mutate(Tcp(true, Payload(100, 1)), f => BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(18), 0)), Offload(SegmentationType.TcpV6, 1448)));
        Assert.Equal(DropReason.GsoHeader, Plan(Mutate(Udp(false, Payload(3000, 1)), f => BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(38), 3007)), Offload(SegmentationType.UdpL4, 1000)));
    }

    [Fact]
    public void Inconsistent_virtio_fields_are_virtio_header_drops()
    {
        Assert.Equal(DropReason.None, Plan(Tcp4, Offload(SegmentationType.TcpV4, 1448, checksumStart: 34, checksumOffset: 16)));
        Assert.Equal(DropReason.VirtioHeader, Plan(Tcp4, Offload(SegmentationType.TcpV4, 1448, checksumStart: 30, checksumOffset: 16)));
        Assert.Equal(DropReason.VirtioHeader, Plan(Tcp4, Offload(SegmentationType.TcpV4, 1448, checksumStart: 34, checksumOffset: 6)));
        Assert.Equal(DropReason.VirtioHeader, Plan(Tcp4, Tso4 with { HeaderLength = (ushort)(Tcp4.Length + 1) }));
        // hdr_len is a hint (Linux reports the linear head): shorter or longer than the headers is fine.
        Assert.Equal(DropReason.None, Plan(Tcp4, Tso4 with { HeaderLength = 0 }));
        Assert.Equal(DropReason.None, Plan(Tcp4, Tso4 with { HeaderLength = 200 }));
    }

    [Fact]
    public void Gso_size_zero_or_too_many_segments_are_gso_size_drops()
    {
        Assert.Equal(DropReason.GsoSize, Plan(Tcp4, Tso4 with { SegmentSize = 0 }));
        Assert.Equal(DropReason.GsoSize, Plan(Udp(false, Payload(100, 1)), Offload(SegmentationType.Udp, 7)));
        var big = Tcp(false, Payload(60_000, 1));
        Assert.Equal(DropReason.GsoSize, Plan(big, Tso4 with { SegmentSize = 1 }));
        Assert.Equal(DropReason.GsoSize, Plan(big, Tso4 with { SegmentSize = 58 }));
        Assert.Equal(DropReason.None, Plan(big, Tso4 with { SegmentSize = 59 }));
        Assert.Equal(DropReason.None, Plan(Tcp(false, Payload(1000, 1)), Tso4 with { SegmentSize = 1 }));
    }

    [Fact]
    public void Every_truncation_of_a_super_frame_is_a_drop_never_an_exception()
    {
        foreach (var (frame, offload) in Samples())
        {
            for (var length = 0; length < frame.Length; length++)
            {
                var reason = Plan(frame.AsSpan(0, length), offload);
                Assert.NotEqual(DropReason.None, reason);
            }
        }
    }

    [Fact]
    public void Random_mutations_give_drop_reasons_or_segments_that_fit_never_an_exception()
    {
        var random = new Random(20261122);
        var samples = Samples().ToArray();
        var buffer = new byte[70_000];
        var accepted = 0;
        for (var round = 0; round < 4000; round++)
        {
            var (original, offload) = samples[round % samples.Length];
            var frame = (byte[])original.Clone();
            var flips = random.Next(1, 4);
            for (var i = 0; i < flips; i++)
            {
                // Mostly in the headers, where the checks are.
                var at = random.Next(4) == 0 ? random.Next(frame.Length) : random.Next(Math.Min(frame.Length, 80));
                frame[at] = (byte)random.Next(256);
            }

            if (random.Next(4) == 0)
            {
                offload = offload with
                {
                    GsoType = (byte)random.Next(256),
                    SegmentSize = (ushort)random.Next(0x10000),
                    ChecksumStart = (ushort)random.Next(100),
                    Flags = (byte)random.Next(4),
                    HeaderLength = (ushort)random.Next(0x10000),
                };
            }

            var length = random.Next(3) == 0 ? random.Next(frame.Length + 1) : frame.Length;
            var span = frame.AsSpan(0, length);
            if (SoftwareSegmenter.Plan(span, offload, out var layout) != DropReason.None)
            {
                continue;
            }

            accepted++;
            Assert.InRange(layout.SegmentCount, 1, SoftwareSegmenter.MaximumSegments);
            Assert.InRange(layout.LargestSegment, 1, length);
            var total = 0;
            for (var i = 0; i < layout.SegmentCount; i++)
            {
                var n = SoftwareSegmenter.WriteSegment(span, layout, i, buffer);
                Assert.InRange(n, layout.PayloadOffset, layout.LargestSegment);
                total += n - layout.PayloadOffset;
            }

            Assert.Equal(layout.PayloadLength, total);
            _ = SoftwareSegmenter.PrepareOffload(span, layout);
        }

        Assert.True(accepted > 100, $"only {accepted} mutated frames were accepted: the mutations test little");
    }

    private static DropReason Plan(ReadOnlySpan<byte> frame, OffloadInfo offload) => SoftwareSegmenter.Plan(frame, offload, out _);

    private static byte[] Mutate(byte[] frame, Action<byte[]> change)
    {
        var copy = (byte[])frame.Clone();
        change(copy);
        return copy;
    }

    private static IEnumerable<(byte[], OffloadInfo)> Samples()
    {
        yield return (Tcp4, Tso4);
        yield return (Tcp(true, Payload(3000, 2), vlan: true), Offload(SegmentationType.TcpV6, 1000, checksumStart: 58, checksumOffset: 16));
        yield return (Udp(false, Payload(3000, 3)), Offload(SegmentationType.UdpL4, 1000));
        yield return (Udp(true, Payload(3000, 3), vlan: true), Offload(SegmentationType.UdpL4, 1000));
        yield return (Udp(false, Payload(3000, 4)), Offload(SegmentationType.Udp, 1480));
    }
}
