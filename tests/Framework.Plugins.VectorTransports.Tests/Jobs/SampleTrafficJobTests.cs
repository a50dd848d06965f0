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
}
