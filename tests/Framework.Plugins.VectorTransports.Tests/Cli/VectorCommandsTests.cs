using Framework.Abstractions.Commands;
using Framework.Plugins.VectorTransports.Transports;

namespace Framework.Plugins.VectorTransports.Tests.Cli;

public sealed class VectorCommandsTests
{
    [Fact]
    public void The_verb_has_bridge_send_recv_stats_and_transports()
    {
        using var harness = new PluginHarness();
        var verb = Assert.Single(harness.Commands);
        Assert.Equal("vector", verb.Name);
        Assert.Equal(["bridge", "send", "recv", "stats", "transports"], verb.Subcommands.Select(c => c.Name));
    }

    [Fact]
    public async Task Send_and_recv_move_frames_and_print_counter_tables()
    {
        using var harness = new PluginHarness();
        var me = TestFrames.AbstractName("me");
        var peer = TestFrames.AbstractName("peer");
        using var receiver = TransportRegistry.Open($"transport=unix,src={peer},dst={me}");
        var (exit, console) = await harness.RunAsync("vector send", new() { ["spec"] = $"transport=unix,src={me},dst={peer}", ["--count"] = "5", ["--size"] = "100" });
        Assert.Equal(0, exit);
        Assert.Equal("5", console.Tables.Single().Rows.Single()[3]);
        Assert.Equal(5, receiver.Receive(1000));
        Assert.Equal(100, receiver.Frame(0).Length);

        var recvTask = Task.Run(() => harness.RunAsync("vector recv", new() { ["spec"] = $"transport=unix,src={me},dst={peer}", ["--count"] = "2", ["--timeout"] = "5" }));
        await WaitUntilBound(me);
        receiver.Send(TestFrames.Ethernet(70, 1));
        receiver.Send(TestFrames.Ethernet(80, 2));
        var (recvExit, recvConsole) = await recvTask;
        Assert.Equal(0, recvExit);
        Assert.Contains("02:00:00:00:00:0a > 02:00:00:00:00:0b  type 0x88b5  length 70", recvConsole.OutWriter.ToString(), StringComparison.Ordinal);
        Assert.Equal("2", recvConsole.Tables.Single().Rows.Single()[1]);
    }

    [Fact]
    public async Task Send_a_pcap_file()
    {
        using var harness = new PluginHarness();
        var me = TestFrames.AbstractName("me");
        var peer = TestFrames.AbstractName("peer");
        using var receiver = TransportRegistry.Open($"transport=unix,src={peer},dst={me}");
        var pcap = Path.Combine(AppContext.BaseDirectory, "Samples", "sample-frames.pcap");
        var (exit, _) = await harness.RunAsync("vector send", new() { ["spec"] = $"transport=unix,src={me},dst={peer}", ["--count"] = "1", ["--pcap"] = pcap });
        Assert.Equal(0, exit);
        Assert.Equal(7, receiver.Receive(1000));
    }

    [Fact]
    public async Task Bridge_runs_for_a_duration_and_prints_its_table()
    {
        using var harness = new PluginHarness();
        var (exit, console) = await harness.RunAsync("vector bridge", new()
        {
            ["a"] = $"transport=unix,src={TestFrames.AbstractName("a")},dst={TestFrames.AbstractName("x")}",
            ["b"] = $"transport=unix,src={TestFrames.AbstractName("b")},dst={TestFrames.AbstractName("y")}",
            ["--duration"] = "1",
        });
        Assert.Equal(0, exit);
        var table = console.Tables.Single();
        Assert.Equal(2, table.Rows.Count);
        Assert.Equal("Stopped", table.Rows[0][1]);
    }

    [Fact]
    public async Task Stats_says_when_no_bridge_runs_and_transports_lists_all_seven()
    {
        using var harness = new PluginHarness();
        var (_, stats) = await harness.RunAsync("vector stats", []);
        Assert.Contains("No bridge is running", stats.OutWriter.ToString(), StringComparison.Ordinal);
        var (_, transports) = await harness.RunAsync("vector transports", []);
        Assert.Equal(["bess", "gre", "hybrid", "l2tpv3", "raw", "tap", "unix"], transports.Tables.Single().Rows.Select(r => r[0]));
    }

    [Fact]
    public async Task Malformed_specs_are_usage_errors_and_a_missing_interface_a_failure_naming_it()
    {
        using var harness = new PluginHarness();
        var error = await Assert.ThrowsAsync<CommandUsageException>(() => harness.RunAsync("vector send", new() { ["spec"] = "transport=unix,src=@a,dst=@b,depth=0" }));
        Assert.Contains("'depth'", error.Message, StringComparison.Ordinal);
        var open = await Assert.ThrowsAsync<CommandFailedException>(() => harness.RunAsync("vector recv", new() { ["spec"] = "transport=raw,ifname=doesnotexist0" }));
        Assert.Contains("doesnotexist0", open.Message + open.InnerException?.Message, StringComparison.Ordinal);
    }

    // Sending before `vector recv` has bound its socket would lose the frame (peer_unreachable).
    private static async Task WaitUntilBound(string abstractName)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.ReadLines("/proc/net/unix").Any(line => line.EndsWith(" " + abstractName, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"nothing bound {abstractName}");
            await Task.Delay(10);
        }
    }
}
