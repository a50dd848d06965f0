using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Framework.EndToEnd.Tests.Infrastructure;
using Framework.Tests.Shared;

namespace Framework.EndToEnd.Tests.CrossPlugin;

/// <summary>
/// Two plugins meeting through the contract, in the real host: vector-transports' bridge service
/// (configured under Plugins:vector-transports:Bridges) asks for IPacketFilterProvider, which
/// bpf-runtime offers, and runs a clang-built eBPF socket filter over every frame, both ways.
/// The test is both outer ends of the bridge (unix datagram sockets).
/// </summary>
public sealed class BridgePacketFilterTests : IDisposable
{
    // Keeps EtherType 0x88b5 whole, drops the rest: what a socket filter returns is the bytes to keep.
    private const string FilterSource = """
        unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");

        __attribute__((section("socket"), used))
        int keep_88b5(void *skb)
        {
            return load_half(skb, 12) == 0x88b5 ? 0xffff : 0;
        }

        char _license[] __attribute__((section("license"), used)) = "GPL";
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("fw-e2e-filter-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [ClangFact]
    public Task The_bridge_service_filters_both_ways_with_the_bpf_runtime_filter() => FiltersBothWays([]);

    // Each plugin in its own plugin-host child: the bridge's IPacketFilterProvider is a proxy served
    // by the host, which forwards every call (Load, then Filter per frame) to bpf-runtime's child.
    [Isolation.CapabilitiesFact("CAP_BPF", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_PERFMON", NeedsClang = true)]
    public Task The_bridge_filters_with_the_bpf_runtime_filter_when_both_plugins_run_out_of_process() =>
        FiltersBothWays(["--set", "Host:Isolation:bpf-runtime=process", "--set", "Host:Isolation:vector-transports=process"]);

    private async Task FiltersBothWays(string[] isolation)
    {
        using var peerA = Bind("a-peer.sock");
        using var peerB = Bind("b-peer.sock");
        var (filter, stats, host, output) = await StartFilteredBridgeAsync(isolation);
        using var started = host;
        try
        {
            await WaitFor(() => File.Exists(Path.Combine(_directory, "a.sock")) && File.Exists(Path.Combine(_directory, "b.sock")), host, output, "the bridge's sockets");

            var kept = Enumerable.Range(0, 3).Select(i => Frame(0x88b5, 60 + i)).ToList();
            var dropped = Enumerable.Range(0, 3).Select(i => Frame(0x0800, 80 + i)).ToList();
            foreach (var (keep, drop) in kept.Zip(dropped))
            {
                peerA.SendTo(drop, Address("a.sock"));
                peerA.SendTo(keep, Address("a.sock"));
            }

            foreach (var expected in kept)
            {
                Assert.Equal(expected, Receive(peerB, output));
            }

            var back = Frame(0x88b5, 1500);
            peerB.SendTo(Frame(0x86dd, 100), Address("b.sock"));
            peerB.SendTo(back, Address("b.sock"));
            Assert.Equal(back, Receive(peerA, output));

            // Nothing else crosses: the dropped frames were sent before the last kept one each way.
            Assert.Equal(0, peerA.Available);
            Assert.Equal(0, peerB.Available);

            // The service rewrites its stats file every second; the filter drops are counted per direction.
            JsonElement bridge = default;
            await WaitFor(
                () =>
                {
                    bridge = ReadBridge(stats);
                    return bridge.ValueKind == JsonValueKind.Object && bridge.GetProperty("FilterDropsAToB").GetInt64() == 3 && bridge.GetProperty("FilterDropsBToA").GetInt64() == 1;
                },
                host, output, "3 filter drops A to B and 1 B to A in " + stats);
            Assert.Equal("Forwarding", bridge.GetProperty("State").GetString());
            Assert.Equal($"ebpf:{filter}", bridge.GetProperty("PacketFilter").GetString());
            Assert.Equal(6, bridge.GetProperty("A").GetProperty("Counters").GetProperty("RxPackets").GetInt64());
            Assert.Equal(1, bridge.GetProperty("A").GetProperty("Counters").GetProperty("TxPackets").GetInt64());
            Assert.Equal(3, bridge.GetProperty("B").GetProperty("Counters").GetProperty("TxPackets").GetInt64());
        }
        finally
        {
            await Stop(host, output);
        }

        Assert.True(host.ExitCode == 0, $"exit {host.ExitCode}\n{output}");
    }

    // The filter's process is killed (SIGKILL) under the bridge: frames are dropped and counted while
    // it is down, never forwarded unfiltered and never a hang; the host restarts it, the bridge loads
    // the filter from the new child, and frames flow through the filter again.
    [Isolation.CapabilitiesFact("CAP_BPF", "CAP_NET_ADMIN", "CAP_PERFMON", NeedsClang = true)]
    public Task The_bridge_loads_the_filter_again_from_a_restarted_bpf_runtime_child_after_a_SIGKILL() =>
        SurvivesFilterRestart(["--set", "Host:Isolation:bpf-runtime=process"]);

    // The same with the bridge in its own child too: its filter calls go through the host to bpf-runtime's child.
    [Isolation.CapabilitiesFact("CAP_BPF", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_PERFMON", NeedsClang = true)]
    public Task The_bridge_in_a_child_loads_the_filter_again_from_a_restarted_bpf_runtime_child_after_a_SIGKILL() =>
        SurvivesFilterRestart(["--set", "Host:Isolation:bpf-runtime=process", "--set", "Host:Isolation:vector-transports=process"]);

    private async Task SurvivesFilterRestart(string[] isolation)
    {
        using var peerA = Bind("a-peer.sock");
        using var peerB = Bind("b-peer.sock");
        var (filter, stats, host, output) = await StartFilteredBridgeAsync([.. isolation, "--verbose"]);
        using var started = host;
        try
        {
            await WaitFor(() => File.Exists(Path.Combine(_directory, "a.sock")) && File.Exists(Path.Combine(_directory, "b.sock")), host, output, "the bridge's sockets");
            peerA.SendTo(Frame(0x88b5, 60), Address("a.sock"));
            Assert.Equal(Frame(0x88b5, 60), Receive(peerB, output));

            var child = int.Parse(Regex.Match(Text(output), @"Plugin bpf-runtime runs in plugin-host child pid (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            using (var process = Process.GetProcessById(child))
            {
                process.Kill();
            }

            await WaitFor(() => Text(output).Contains($"child (pid {child})", StringComparison.Ordinal), host, output, "the host to see the child die");

            // Down (the first restart waits a second): this frame is dropped and counted.
            peerA.SendTo(Frame(0x88b5, 61), Address("a.sock"));
            JsonElement bridge = default;
            await WaitFor(
                () => (bridge = ReadBridge(stats)).ValueKind == JsonValueKind.Object && bridge.GetProperty("FilterFailuresAToB").GetInt64() >= 1,
                host, output, "a filter failure counted in " + stats);

            // Restarted: a kept frame crosses again, through the filter (what it drops stays dropped).
            peerB.ReceiveTimeout = 500;
            byte[]? crossed = null;
            for (var attempt = 0; crossed is null; attempt++)
            {
                Assert.True(attempt < 120 && !host.HasExited, $"no frame crossed after the restart; output:\n{Text(output)}");
                peerA.SendTo(Frame(0x88b5, 100 + (attempt % 100)), Address("a.sock"));
                try
                {
                    var buffer = new byte[2048];
                    crossed = buffer[..peerB.Receive(buffer)];
                }
                catch (SocketException)
                {
                }
            }

            Assert.Equal(0x88b5, (crossed[12] << 8) | crossed[13]);

            // Frames sent while the filter was loading again waited in the socket and may follow.
            try
            {
                while (peerB.Receive(new byte[2048]) > 0)
                {
                }
            }
            catch (SocketException)
            {
            }

            peerA.SendTo(Frame(0x0800, 90), Address("a.sock"));
            peerA.SendTo(Frame(0x88b5, 91), Address("a.sock"));
            Assert.Equal(Frame(0x88b5, 91), Receive(peerB, output));
            Assert.Equal(0, peerB.Available);

            var text = Text(output);
            Assert.Contains($"the packet filter {filter} failed (InvalidOperationException: the process that holds the capability cannot be reached", text, StringComparison.Ordinal);
            Assert.True(Regex.Count(text, @"Plugin bpf-runtime runs in plugin-host child pid \d+") >= 2, text);
            await WaitFor(() => (bridge = ReadBridge(stats)).ValueKind == JsonValueKind.Object && bridge.GetProperty("State").GetString() == "Forwarding", host, output, "the bridge forwarding again");
            Assert.Equal($"ebpf:{filter}", bridge.GetProperty("PacketFilter").GetString());
        }
        finally
        {
            await Stop(host, output);
        }

        // A run during which a plugin crashed did not succeed, even though the plugin came back.
        Assert.True(host.ExitCode == 1, $"exit {host.ExitCode}\n{output}");
        Assert.Contains("plugin(s) faulted (bpf-runtime 0.1.0: the plugin-host child (pid ", Text(output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_filter_that_does_not_load_stops_forwarding_and_says_which_file_and_why()
    {
        var filter = Path.Combine(_directory, "not-bpf.o");
        await File.WriteAllBytesAsync(filter, Encoding.ASCII.GetBytes("\x7f" + "ELF this is not an object"));
        var settings = WriteSettings(filter, Path.Combine(_directory, "stats.json"));

        using var peerA = Bind("a-peer.sock");
        using var peerB = Bind("b-peer.sock");
        using var host = FrameworkProcess.Start(["--settings", settings, "run"]);
        var output = Collect(host);
        try
        {
            await WaitFor(() => output.ToString().Contains("did not load", StringComparison.Ordinal), host, output, "the filter's load error");
            var text = output.ToString();
            Assert.Contains("Bridge filtered: the ebpf packet filter " + filter + " did not load", text, StringComparison.Ordinal);

            // Unfiltered forwarding would be worse than none: nothing crosses while the filter is missing.
            if (File.Exists(Path.Combine(_directory, "a.sock")))
            {
                peerA.SendTo(Frame(0x88b5, 64), Address("a.sock"));
            }

            peerB.ReceiveTimeout = 500;
            Assert.Throws<SocketException>(() => peerB.Receive(new byte[2048]));
        }
        finally
        {
            await Stop(host, output);
        }

        Assert.True(host.ExitCode == 0, $"exit {host.ExitCode}\n{output}");
    }

    // The keep-88b5 filter built, the settings written, and the host running them; its output collected.
    private async Task<(string Filter, string Stats, Process Host, StringBuilder Output)> StartFilteredBridgeAsync(string[] args)
    {
        var filter = Path.Combine(_directory, "keep-88b5.o");
        await File.WriteAllBytesAsync(filter, Clang.CompileBpf(FilterSource));
        var stats = Path.Combine(_directory, "stats.json");
        var host = FrameworkProcess.Start([.. args, "--settings", WriteSettings(filter, stats), "run"]);
        return (filter, stats, host, Collect(host));
    }

    private string WriteSettings(string filter, string stats)
    {
        var path = Path.Combine(_directory, "settings.json");
        var document = new Dictionary<string, object>
        {
            ["Plugins"] = new Dictionary<string, object>
            {
                ["bpf-runtime"] = new { Sample = new { Enabled = false } },
                ["elf2dmp"] = new { Sample = new { Enabled = false } },
                ["vector-transports"] = new
                {
                    SampleTraffic = new { Enabled = false },
                    StatsFile = stats,
                    Bridges = new[]
                    {
                        new
                        {
                            Name = "filtered",
                            A = $"transport=unix,src={Path.Combine(_directory, "a.sock")},dst={Path.Combine(_directory, "a-peer.sock")}",
                            B = $"transport=unix,src={Path.Combine(_directory, "b.sock")},dst={Path.Combine(_directory, "b-peer.sock")}",
                            PacketFilter = filter,
                            PacketFilterSection = "socket",
                        },
                    },
                },
            },
        };
        File.WriteAllText(path, JsonSerializer.Serialize(document));
        return path;
    }

    private Socket Bind(string name)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(Address(name));
        return socket;
    }

    private UnixDomainSocketEndPoint Address(string name) => new(Path.Combine(_directory, name));

    private static byte[] Frame(ushort etherType, int length)
    {
        var frame = new byte[length];
        frame.AsSpan(0, 6).Fill(0xff);
        frame[6] = 0x02;
        frame[11] = (byte)length;
        frame[12] = (byte)(etherType >> 8);
        frame[13] = (byte)etherType;
        for (var i = 14; i < length; i++)
        {
            frame[i] = (byte)(i * 7);
        }

        return frame;
    }

    private static byte[] Receive(Socket socket, StringBuilder output)
    {
        socket.ReceiveTimeout = 10_000;
        var buffer = new byte[2048];
        try
        {
            var n = socket.Receive(buffer);
            return buffer[..n];
        }
        catch (SocketException e)
        {
            throw new TimeoutException($"no frame came through the bridge ({e.SocketErrorCode}); host output:\n{output}", e);
        }
    }

    private static JsonElement ReadBridge(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.GetProperty("Bridges")[0].Clone();
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return default;
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static StringBuilder Collect(Process process)
    {
        var output = new StringBuilder();
        void Append(object? sender, DataReceivedEventArgs e)
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        }

        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return output;
    }

    private static async Task WaitFor(Func<bool> condition, Process host, StringBuilder output, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            if (host.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"waited for {what}; host {(host.HasExited ? $"exited {host.ExitCode}" : "still running")}; output:\n{output}");
            }

            await Task.Delay(100);
        }
    }

    private static async Task Stop(Process host, StringBuilder output)
    {
        try
        {
            await FrameworkProcess.TerminateAsync(host, TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} Output:\n{output}", e);
        }
    }
}
