using Framework.Plugins.VectorTransports.Bridge;
using Framework.Plugins.VectorTransports.Transports;

namespace Framework.Plugins.VectorTransports.Tests.Bridge;

public sealed class BridgeStatsFileTests
{
    [Fact]
    public void Segmentation_counters_add_up_across_reopens_and_survive_the_stats_file()
    {
        var first = TransportSnapshot.Empty with { TxPackets = 10, SegmentedFrames = 2, Segments = 9, OffloadedFrames = 1 };
        var second = TransportSnapshot.Empty with { TxPackets = 5, SegmentedFrames = 1, Segments = 4, OffloadedFrames = 3 };
        var sum = first.Add(second);
        Assert.Equal((15L, 3L, 13L, 4L), (sum.TxPackets, sum.SegmentedFrames, sum.Segments, sum.OffloadedFrames));

        var path = Path.Combine(Path.GetTempPath(), $"fw-stats-{Guid.NewGuid():n}.json");
        try
        {
            var side = new BridgeSideSnapshot("b", "transport=unix,src=@x,dst=@y", true, sum, 0, null);
            BridgeStatsFile.Write(path, [new BridgeSnapshot("lab", BridgeState.Forwarding, side with { Side = "a" }, side, 0, 0, null)]);
            var read = BridgeStatsFile.Read(path)!.Bridges.Single().B.Counters;
            Assert.Equal((3L, 13L, 4L), (read.SegmentedFrames, read.Segments, read.OffloadedFrames));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
