using Framework.Plugins.VectorTransports.Transports;
using Framework.Plugins.VectorTransports.Wire;
using Framework.Plugins.VectorTransports.Wire.Segmentation;
using static Framework.Plugins.VectorTransports.Tests.Wire.SuperFrames;

namespace Framework.Plugins.VectorTransports.Tests.Wire;

/// <summary>A transport without virtio-net headers (unix here) segments the super-frames it is given.</summary>
public sealed class SegmentingTransmitTests
{
    private static (VectorTransport A, VectorTransport B) Pair(int depth)
    {
        var a = TestFrames.AbstractName("a");
        var b = TestFrames.AbstractName("b");
        return (TransportRegistry.Open($"transport=unix,src={a},dst={b},depth={depth}"), TransportRegistry.Open($"transport=unix,src={b},dst={a},depth=64"));
    }

    private static List<byte[]> ReceiveAll(VectorTransport transport, int expected) =>
        TestFrames.Receive(transport, expected, keep: (t, i) =>
        {
            Assert.Equal(OffloadInfo.None, t.Offload(i));
            return true;
        });

    [Fact]
    public void A_super_frame_becomes_its_segments_flushing_whenever_the_depth_is_full()
    {
        var (a, b) = Pair(depth: 4);
        using (a)
        using (b)
        {
            Assert.False(a.CarriesOffload);
            var frame = Tcp(false, Payload(20_000, 1), flags: Ack | Psh);
            var offload = Offload(SegmentationType.TcpV4, 1448);
            var expected = Segment(frame, offload);
            Assert.Equal(14, expected.Count);
            Assert.True(a.Enqueue(frame, offload));
            Assert.Equal(2, a.PendingCount);
            a.Flush();
            Assert.Equal(expected, ReceiveAll(b, 14));
            Assert.Equal(1, a.Statistics.SegmentedFrames);
            Assert.Equal(14, a.Statistics.Segments);
            Assert.Equal(14, a.Statistics.TxPackets);
            Assert.Equal(0, a.Statistics.TotalDrops);
        }
    }

    [Fact]
    public void A_full_queue_refuses_and_whole_frames_go_as_they_are()
    {
        var (a, b) = Pair(depth: 2);
        using (a)
        using (b)
        {
            Assert.True(a.Enqueue(TestFrames.Ethernet(60, 1), OffloadInfo.None));
            Assert.True(a.Enqueue(TestFrames.Ethernet(60, 2), OffloadInfo.None));
            Assert.False(a.Enqueue(Tcp(false, Payload(3000, 1)), Offload(SegmentationType.TcpV4, 1000)));
            a.Flush();
            Assert.Equal([1, 2], ReceiveAll(b, 2).Select(f => TestFrames.SeedOf(f)));
        }
    }

    [Fact]
    public void Invalid_or_oversized_super_frames_are_dropped_by_reason()
    {
        var (a, b) = Pair(depth: 8);
        using (a)
        using (b)
        {
            var frame = Tcp(false, Payload(20_000, 1));
            Assert.True(a.Enqueue(frame, Offload(SegmentationType.TcpV4, 0)));
            Assert.True(a.Enqueue(frame, Offload(SegmentationType.TcpV6, 1448)));
            Assert.True(a.Enqueue(frame.AsSpan(0, 1000), Offload(SegmentationType.TcpV4, 1448)));
            Assert.True(a.Enqueue(frame, Offload(SegmentationType.TcpV4, 9000)));
            Assert.Equal(0, a.PendingCount);
            Assert.Equal(1, a.Statistics.Drops(DropReason.GsoSize));
            Assert.Equal(1, a.Statistics.Drops(DropReason.Gso));
            Assert.Equal(1, a.Statistics.Drops(DropReason.GsoHeader));
            Assert.Equal(1, a.Statistics.Drops(DropReason.Oversized));
            Assert.Equal(0, a.Statistics.SegmentedFrames);
        }
    }

    [Fact]
    public void Segmenting_64_KB_super_frames_allocates_nothing_per_frame()
    {
        var (a, b) = Pair(depth: 64);
        using (a)
        using (b)
        {
            var frame = Tcp(false, Payload(65_000, 1));
            var offload = Offload(SegmentationType.TcpV4, 1448);

            long Round(int rounds)
            {
                long received = 0;
                for (var r = 0; r < rounds; r++)
                {
                    a.Enqueue(frame, offload);
                    a.Flush();
                    var got = 0;
                    while (got < 45)
                    {
                        var n = b.Receive(1000);
                        for (var i = 0; i < n; i++)
                        {
                            received += b.Frame(i).Length;
                        }

                        got += n;
                    }
                }

                return received;
            }

            Round(3);
            var before = GC.GetAllocatedBytesForCurrentThread();
            Round(30);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(33 * 45, a.Statistics.Segments);
            Assert.True(allocated < 1024, $"{allocated} bytes allocated for 30 super-frames");
        }
    }
}
