using System.Text.Json;

namespace Framework.Plugins.HwbpX86.Tests.Cli;

[Collection(KernelSlotsCollection.Name)]
public sealed class SelftestCommandTests
{
    [KernelSlotsFact]
    public async Task Selftest_arms_writes_and_exits_zero_only_when_hits_are_delivered()
    {
        var (code, console, _) = await CommandRunner.RunAsync("selftest", new() { ["--json"] = ["true"] });
        var result = JsonDocument.Parse(console.OutWriter.ToString()).RootElement;
        Assert.True(result.GetProperty("armed").GetBoolean(), result.ToString());
        Assert.Equal(16, result.GetProperty("writes").GetInt32());
        var delivered = result.GetProperty("delivered").GetBoolean();
        Assert.Equal(delivered ? 0 : 1, code);
        var verdict = result.GetProperty("verdict").GetString()!;
        if (delivered)
        {
            Assert.Equal(16UL, result.GetProperty("counted").GetUInt64());
            Assert.True(result.GetProperty("exact").GetBoolean(), result.ToString());
            Assert.Contains("work here", verdict, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(0UL, result.GetProperty("counted").GetUInt64());
            Assert.Equal(0, result.GetProperty("sampled").GetInt32());
            Assert.False(result.GetProperty("exact").GetBoolean());
            Assert.Equal(0UL, result.GetProperty("countedBeforeWrites").GetUInt64());
            Assert.Equal(0, result.GetProperty("foreignSamples").GetInt32());
            Assert.Equal(0UL, result.GetProperty("lostRecords").GetUInt64());
            Assert.Contains("traps are NOT delivered on this machine", verdict, StringComparison.Ordinal);
        }
    }

    [KernelSlotsFact]
    public async Task Selftest_text_says_what_it_armed_and_the_verdict()
    {
        var (_, console, _) = await CommandRunner.RunAsync("selftest", []);
        var text = console.OutWriter.ToString();
        Assert.Contains("through perf_event_open: accepted", text, StringComparison.Ordinal);
        Assert.Contains("wrote it 16 times", text, StringComparison.Ordinal);
    }
}
