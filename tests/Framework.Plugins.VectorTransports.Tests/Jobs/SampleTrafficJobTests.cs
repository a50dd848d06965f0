using Framework.Plugins.VectorTransports.Jobs;

namespace Framework.Plugins.VectorTransports.Tests.Jobs;

public sealed class SampleTrafficJobTests
{
    [Fact]
    public void The_job_is_registered_only_when_enabled()
    {
        using var off = new PluginHarness();
        Assert.Empty(off.Jobs);
        using var on = new PluginHarness(new() { ["SampleTraffic:Enabled"] = "true" });
        Assert.Equal(SampleTrafficJob.Name, Assert.Single(on.Jobs).Name);
    }

    [Fact]
    public async Task Sample_frames_cross_the_bridge_intact_and_its_counters_are_reported()
    {
        using var harness = new PluginHarness(new() { ["SampleTraffic:Enabled"] = "true", ["SampleTraffic:Repeat"] = "5" });
        var result = await SampleTrafficJob.RunAsync(harness.Provider, CancellationToken.None);
        Assert.Equal(35, result.Sent);
        Assert.Equal(35, result.Received);
        Assert.Equal(0, result.Corrupted);
        Assert.Equal(0, result.Dropped);
        Assert.True(result.IsComplete);
        Assert.Equal(35, result.Bridge.A.Counters.RxPackets);
        Assert.Equal(35, result.Bridge.B.Counters.TxPackets);
        Assert.Equal(result.SentBytes, result.Bridge.B.Counters.TxBytes);
        var text = SampleTrafficJob.Describe(result);
        Assert.Contains("received 35 intact", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_registered_job_runs()
    {
        using var harness = new PluginHarness(new() { ["SampleTraffic:Enabled"] = "true", ["SampleTraffic:Repeat"] = "1" });
        await harness.Jobs.Single().Run(harness.Provider, CancellationToken.None);
    }

    private static readonly byte[][] Frames = [[1, 1, 1], [2, 2, 2], [3, 3, 3], [4, 4, 4]];

    [Fact]
    public void A_dropped_frame_is_counted_as_dropped_and_later_frames_are_compared_with_their_own()
    {
        var tally = new FrameTally(Frames);

        // Sequence 0..7 (the sample twice); 1 and 5 are lost, as a transmit_busy drop loses them.
        foreach (var index in new[] { 0, 2, 3, 4, 6, 7 })
        {
            tally.Observe(Frames[index % 4], sent: 8);
        }

        tally.Finish(8);
        Assert.Equal(6, tally.Intact);
        Assert.Equal(2, tally.Dropped);
        Assert.Equal(0, tally.Corrupted);
    }

    [Fact]
    public void A_changed_frame_is_corrupted_and_frames_missing_at_the_end_are_dropped()
    {
        var tally = new FrameTally(Frames);
        tally.Observe(Frames[0], sent: 4);
        tally.Observe(new byte[] { 9, 9, 9 }, sent: 4);
        tally.Observe(Frames[2], sent: 4);
        tally.Finish(4);

        Assert.Equal(2, tally.Intact);
        Assert.Equal(1, tally.Corrupted);
        Assert.Equal(1, tally.Dropped);
        Assert.Equal(4, tally.Settled);
    }

    [Fact]
    public void A_result_with_a_dropped_frame_is_not_complete()
    {
        var result = new SampleTrafficResult(7, 100, 6, 0, 1, null!);
        Assert.False(result.IsComplete);
        Assert.True((result with { Received = 7, Dropped = 0 }).IsComplete);
    }
}
