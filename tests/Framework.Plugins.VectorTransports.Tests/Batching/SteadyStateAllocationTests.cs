using Framework.Plugins.VectorTransports.Transports;

namespace Framework.Plugins.VectorTransports.Tests.Batching;

public sealed class SteadyStateAllocationTests
{
    [Fact]
    public void Sending_and_receiving_batches_allocates_nothing_per_packet()
    {
        var a = TestFrames.AbstractName("a");
        var b = TestFrames.AbstractName("b");
        using var ta = TransportRegistry.Open($"transport=unix,src={a},dst={b},depth=32");
        using var tb = TransportRegistry.Open($"transport=unix,src={b},dst={a},depth=32");
        var frame = TestFrames.Ethernet(1500, 1);

        long Round(int rounds)
        {
            long received = 0;
            for (var r = 0; r < rounds; r++)
            {
                for (var i = 0; i < 32; i++)
                {
                    ta.Enqueue(frame);
                }

                ta.Flush();
                var got = 0;
                while (got < 32)
                {
                    var n = tb.Receive(1000);
                    for (var i = 0; i < n; i++)
                    {
                        received += tb.Frame(i).Length;
                    }

                    got += n;
                }
            }

            return received;
        }

        Round(10);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var bytes = Round(100);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(3200L * 1500, bytes);
        Assert.True(allocated < 1024, $"{allocated} bytes allocated for 3200 packets");
    }
}
