using System.Net.Sockets;
using Framework.Plugins.VectorTransports.Transports;
using Framework.Plugins.VectorTransports.Wire;

namespace Framework.Plugins.VectorTransports.Tests.Transports;

public sealed class UnixTransportTests
{
    private static (VectorTransport A, VectorTransport B) Pair(int depth = 32)
    {
        var a = TestFrames.AbstractName("a");
        var b = TestFrames.AbstractName("b");
        var ta = TransportRegistry.Open($"transport=unix,src={a},dst={b},depth={depth}");
        var tb = TransportRegistry.Open($"transport=unix,src={b},dst={a},depth={depth}");
        return (ta, tb);
    }

    [Fact]
    public void Two_endpoints_exchange_frames_in_batches_both_ways()
    {
        var (a, b) = Pair();
        using (a)
        using (b)
        {
            for (var i = 0; i < 32; i++)
            {
                Assert.True(a.Enqueue(TestFrames.Ethernet(64 + i, i)));
            }

            Assert.False(a.Enqueue(TestFrames.Ethernet(64, 99)));
            Assert.Equal(32, a.Flush());
            Assert.Equal(32, b.Receive(1000));
            for (var i = 0; i < 32; i++)
            {
                Assert.Equal(TestFrames.Ethernet(64 + i, i), b.Frame(i).ToArray());
            }

            Assert.True(b.Send(TestFrames.Ethernet(1514, 7)));
            Assert.Equal(1, a.Receive(1000));
            Assert.Equal(7, TestFrames.SeedOf(a.Frame(0)));
            Assert.Equal(33, a.Statistics.TxPackets + a.Statistics.RxPackets);
            Assert.Equal(32, b.Statistics.RxPackets);
            Assert.Equal(Enumerable.Range(64, 32).Sum(), b.Statistics.RxBytes);
            Assert.Equal(1, a.Statistics.TxBatchHistogram[5]);
        }
    }

    [Fact]
    public void Receive_times_out_with_nothing()
    {
        var (a, b) = Pair();
        using (a)
        using (b)
        {
            Assert.Equal(0, a.Receive(10));
        }
    }

    [Fact]
    public void Frames_to_a_missing_peer_are_dropped_until_it_appears()
    {
        var a = TestFrames.AbstractName("a");
        var b = TestFrames.AbstractName("b");
        using var ta = TransportRegistry.Open($"transport=unix,src={a},dst={b}");
        Assert.True(ta.Enqueue(TestFrames.Ethernet(60, 1)));
        Assert.Equal(0, ta.Flush());
        Assert.Equal(1, ta.Statistics.Drops(DropReason.PeerUnreachable));
        using var tb = TransportRegistry.Open($"transport=unix,src={b},dst={a}");
        Assert.True(ta.Send(TestFrames.Ethernet(60, 2)));
        Assert.Equal(1, tb.Receive(1000));
        Assert.Equal(2, TestFrames.SeedOf(tb.Frame(0)));
    }

    [Fact]
    public void Truncated_and_oversized_datagrams_are_dropped_by_reason()
    {
        var a = TestFrames.AbstractName("a");
        using var ta = TransportRegistry.Open($"transport=unix,src={a},dst=@nobody-{Guid.NewGuid():n},mtu=1500");
        using var raw = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        var endpoint = new UnixDomainSocketEndPoint("\0" + a[1..]);
        raw.SendTo(new byte[10], endpoint);
        raw.SendTo(new byte[4000], endpoint);
        raw.SendTo(TestFrames.Ethernet(100, 3), endpoint);
        Assert.Equal(1, ta.Receive(1000));
        Assert.Equal(1, ta.Statistics.Drops(DropReason.Truncated));
        Assert.Equal(1, ta.Statistics.Drops(DropReason.Oversized));
        Assert.Equal(3, TestFrames.SeedOf(ta.Frame(0)));
    }

    [Fact]
    public void Frames_too_long_or_too_short_to_send_are_dropped_by_reason()
    {
        var (a, b) = Pair();
        using (a)
        using (b)
        {
            Assert.True(a.Enqueue(new byte[a.MaximumFrame + 1]));
            Assert.True(a.Enqueue(new byte[13]));
            Assert.Equal(0, a.Flush());
            Assert.Equal(1, a.Statistics.Drops(DropReason.Oversized));
            Assert.Equal(1, a.Statistics.Drops(DropReason.Truncated));
        }
    }

    [Fact]
    public void A_bound_path_is_removed_on_close_and_a_stale_one_replaced()
    {
        var dir = Directory.CreateTempSubdirectory("fw-vt-");
        try
        {
            var path = Path.Combine(dir.FullName, "a.sock");
            // A socket file whose owner is gone (.NET's Socket would delete it on dispose).
            var stale = Framework.Plugins.VectorTransports.Native.Syscall.Socket(1, 2, 0, "test");
            Framework.Plugins.VectorTransports.Native.NativeSocketAddress.Unix(path).Bind(stale);
            Framework.Plugins.VectorTransports.Native.Syscall.Close(stale);

            Assert.True(File.Exists(path));
            using (TransportRegistry.Open($"transport=unix,src={path},dst=@x"))
            {
                Assert.True(File.Exists(path));
            }

            Assert.False(File.Exists(path));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void Depth_one_sends_one_message_per_call()
    {
        var (a, b) = Pair(depth: 1);
        using (a)
        using (b)
        {
            Assert.True(a.Enqueue(TestFrames.Ethernet(60, 1)));
            Assert.False(a.Enqueue(TestFrames.Ethernet(60, 2)));
            Assert.Equal(1, a.Flush());
            Assert.Equal(1, b.Receive(1000));
        }
    }
}
