using System.Diagnostics;
using System.Globalization;
using Framework.Abstractions.Commands;
using Framework.Abstractions.Files;
using Framework.Plugins.VectorTransports.Bridge;
using Framework.Plugins.VectorTransports.Capture;
using Framework.Plugins.VectorTransports.Native;
using Framework.Plugins.VectorTransports.Options;
using Framework.Plugins.VectorTransports.Transports;
using Framework.Plugins.VectorTransports.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Framework.Plugins.VectorTransports.Cli;

/// <summary>
/// The <c>vector</c> verb: <c>bridge &lt;spec&gt; &lt;spec&gt;</c>, <c>send &lt;spec&gt;</c>, <c>recv &lt;spec&gt;</c>,
/// <c>stats</c> and <c>transports</c>. Specs are UML vector option strings; option errors exit with 2
/// and say which option and what was expected.
/// </summary>
public static class VectorCommands
{
    private static readonly string[] CounterColumns = ["transport", "rx packets", "rx bytes", "tx packets", "tx bytes", "errors", "drops", "rx batches", "tx batches"];

    /// <summary>Builds the verb with its sub-commands.</summary>
    public static PluginCommand Create()
    {
        var root = new PluginCommand("vector", "UML vector network transports: bridge, send, receive, statistics.");
        root.Subcommands.Add(BridgeCommand());
        root.Subcommands.Add(SendCommand());
        root.Subcommands.Add(RecvCommand());
        root.Subcommands.Add(StatsCommand());
        root.Subcommands.Add(TransportsCommand());
        return root;
    }

    /// <summary>The most frames one command sends or receives.</summary>
    private const long MaxFrames = 1_000_000_000;

    private static PluginOption NetnsOption() => new("--netns", "Open the transports inside this named network namespace (ip netns).");

    private static PluginCommand BridgeCommand()
    {
        var command = new PluginCommand("bridge", "Join two transports and forward frames both ways until stopped (Ctrl-C) or --duration.");
        command.Arguments.Add(new PluginArgument("a", "Side A, e.g. transport=raw,ifname=veth0"));
        command.Arguments.Add(new PluginArgument("b", "Side B, e.g. transport=l2tpv3,udp=1,src=...,dst=...,dstport=1701,rx_session=1,tx_session=1"));
        command.Options.Add(new PluginOption("--duration", "Stop after this many seconds, 1 to 4000000 (default, or 0: run until stopped)."));
        command.Options.Add(new PluginOption("--packet-filter", "Apply this packet filter (through the IPacketFilterProvider capability, e.g. an eBPF object for bpf-runtime)."));
        command.Options.Add(new PluginOption("--packet-filter-section", "The filter program's section or name."));
        command.Options.Add(NetnsOption());
        command.Handler = async (context, cancellationToken) =>
        {
            var definition = new BridgeDefinition
            {
                Name = "cli",
                A = Spec(context, "a").Text,
                B = Spec(context, "b").Text,
                PacketFilter = context.GetOption("--packet-filter"),
                PacketFilterSection = context.GetOption("--packet-filter-section"),
            };
            var duration = context.GetDuration("--duration");
            var netns = context.GetOption("--netns");
            var logger = context.Services.GetService<ILoggerFactory>()?.CreateLogger("Framework.Plugins.VectorTransports.Bridge") ?? NullLogger.Instance;
            var bridge = netns is null
                ? BridgeHostedService.CreateBridge(definition, context.Services, context.Services.GetService<BridgeMetrics>(), logger, failOnFirstOpen: true)
                : new VectorBridge(definition, logger, null, BridgeHostedService.FilterProvider(context.Services), spec => OpenIn(netns, spec)) { FailOnFirstOpen = true };
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (duration is { } limit)
            {
                stop.CancelAfter(limit);
            }

            var registry = context.Services.GetService<BridgeRegistry>();
            registry?.Add(bridge);
            try
            {
                context.Console.Error.WriteLine($"bridging {definition.A} <-> {definition.B}; stop with Ctrl-C");
                await bridge.RunAsync(stop.Token);
            }
            catch (TransportFailedException e)
            {
                // A side that never opened (no such interface, no permission): nothing was bridged.
                throw new CommandFailedException(e.Message, e);
            }
            finally
            {
                registry?.Remove(bridge);
            }

            WriteBridges(context.Console, [bridge.Snapshot()]);
            return 0;
        };
        return command;
    }

    private static PluginCommand SendCommand()
    {
        var command = new PluginCommand("send", "Send test frames (or the frames of a pcap file) through a transport.");
        command.Arguments.Add(new PluginArgument("spec", "The transport, e.g. transport=unix,src=@me,dst=@peer"));
        command.Options.Add(new PluginOption("--count", "How many frames, 1 to 1000000000 (default 10).", DefaultValue: "10"));
        command.Options.Add(new PluginOption("--size", "Frame size in bytes for test frames, 14 to 65535 (default 64).", DefaultValue: "64"));
        command.Options.Add(new PluginOption("--pcap", "Send the frames of this pcap file instead, --count times over."));
        command.Options.Add(NetnsOption());
        command.Handler = (context, cancellationToken) =>
        {
            var spec = Spec(context, "spec");
            var count = context.GetInt64("--count", 10, 1, MaxFrames);
            var size = (int)context.GetInt64("--size", 64, EthernetFrame.HeaderLength, ushort.MaxValue);

            IReadOnlyList<byte[]> frames = context.GetOption("--pcap") is { } pcap
                ? ReadPcap(context, pcap)
                : [TestFrame(spec, size)];
            using var transport = OpenIn(context.GetOption("--netns"), spec, context);
            var total = context.GetOption("--pcap") is null ? count : count * frames.Count;
            var watch = Stopwatch.StartNew();
            for (long i = 0; i < total && !cancellationToken.IsCancellationRequested; i++)
            {
                if (!transport.Enqueue(frames[(int)(i % frames.Count)]))
                {
                    transport.Flush();
                    transport.Enqueue(frames[(int)(i % frames.Count)]);
                }
            }

            transport.Flush();
            watch.Stop();
            WriteTransport(context.Console, transport, "sent");
            context.Console.Out.WriteLine($"{transport.Statistics.TxPackets} of {total} frames sent in {watch.Elapsed.TotalMilliseconds:F1} ms.");
            return Task.FromResult(transport.Statistics.TxPackets == total ? 0 : 1);
        };
        return command;
    }

    private static PluginCommand RecvCommand()
    {
        var command = new PluginCommand("recv", "Receive frames from a transport and print one line per frame.");
        command.Arguments.Add(new PluginArgument("spec", "The transport, e.g. transport=raw,ifname=veth0"));
        command.Options.Add(new PluginOption("--count", "Stop after this many frames, 1 to 1000000000 (default 10).", DefaultValue: "10"));
        command.Options.Add(new PluginOption("--timeout", "Stop after this many seconds without frames, 0 to 4000000 (default 5; 0: take only what is queued).", DefaultValue: "5"));
        command.Options.Add(new PluginOption("--quiet", "Print only the counters.", IsFlag: true));
        command.Options.Add(NetnsOption());
        command.Handler = (context, cancellationToken) =>
        {
            var spec = Spec(context, "spec");
            var count = context.GetInt64("--count", 10, 1, MaxFrames);
            var timeout = TimeSpan.FromSeconds(context.GetInt64("--timeout", 5, 0, CommandContext.MaximumDurationSeconds));
            var quiet = context.HasFlag("--quiet");
            using var transport = OpenIn(context.GetOption("--netns"), spec, context);
            long received = 0;
            while (received < count && !cancellationToken.IsCancellationRequested)
            {
                var n = ReceiveUntil(transport, timeout, cancellationToken);
                if (n == 0)
                {
                    break;
                }

                for (var i = 0; i < n && received < count; i++, received++)
                {
                    if (!quiet)
                    {
                        var frame = transport.Frame(i);
                        context.Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{received + 1,6}  {EthernetFrame.FormatMac(EthernetFrame.Source(frame))} > {EthernetFrame.FormatMac(EthernetFrame.Destination(frame))}  type 0x{EthernetFrame.EtherType(frame):x4}  length {frame.Length}"));
                    }
                }
            }

            WriteTransport(context.Console, transport, "received");
            return Task.FromResult(received > 0 ? 0 : 1);
        };
        return command;
    }

    private static PluginCommand StatsCommand()
    {
        var command = new PluginCommand("stats", "Show the counters of the running bridges (this process's, or those 'framework run' writes to its stats file).");
        command.Options.Add(new PluginOption("--file", "The stats file the bridge service writes (default: Plugins:vector-transports:StatsFile, else $XDG_RUNTIME_DIR/framework/vector-bridges.json)."));
        command.Handler = (context, cancellationToken) =>
        {
            var bridges = context.Services.GetService<BridgeRegistry>()?.Snapshots() ?? [];
            if (bridges.Count > 0)
            {
                WriteBridges(context.Console, bridges);
                return Task.FromResult(0);
            }

            var configured = context.Services.GetService<IOptions<VectorTransportsOptions>>()?.Value.StatsFile;
            var path = context.GetOption("--file") ?? (string.IsNullOrEmpty(configured) ? BridgeStatsFile.DefaultPath : configured);
            BridgeStatsDocument? document;
            try
            {
                document = BridgeStatsFile.Read(path);
            }
            catch (VectorTransportException e)
            {
                throw new CommandFailedException($"{context.CommandPath}: {e.Message}", e);
            }

            if (document is null || document.Bridges.Count == 0)
            {
                context.Console.Out.WriteLine($"No bridge is running in this process, and {path} lists none. Bridges run by 'framework run' also report their counters as the OpenTelemetry metrics vector.bridge.* (packets, bytes, drops, errors, reopens, batch_size).");
                return Task.FromResult(0);
            }

            var age = DateTimeOffset.UtcNow - document.Written;
            context.Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Bridges of process {document.ProcessId}, from {path}, written {age.TotalSeconds:F0} s ago{(age > TimeSpan.FromSeconds(5) ? " (stale: is the host still running?)" : string.Empty)}."));
            WriteBridges(context.Console, document.Bridges);
            return Task.FromResult(0);
        };
        return command;
    }

    private static PluginCommand TransportsCommand()
    {
        var command = new PluginCommand("transports", "List the transports and the options each accepts.");
        command.Handler = (context, cancellationToken) =>
        {
            context.Console.WriteTable(
                "Transports",
                ["transport", "needs", "options", "description"],
                TransportRegistry.All.Select(t => (IReadOnlyList<string>)
                [
                    t.Name,
                    t.RequiredCapability ?? "-",
                    string.Join(",", VectorOptionTable.Definitions.Where(d => d.Transports.Count > 0 && d.AppliesTo(t.Name)).Select(d => d.Key)),
                    t.Description,
                ]));
            context.Console.Out.WriteLine("Every transport also takes: " + string.Join(",", VectorOptionTable.Definitions.Where(d => d.Transports.Count == 0).Select(d => d.Key)));
            return Task.FromResult(0);
        };
        return command;
    }

    /// <summary>Writes bridge snapshots as a table (one row per side).</summary>
    internal static void WriteBridges(ICommandConsole console, IReadOnlyList<BridgeSnapshot> bridges)
    {
        console.WriteTable(
            "Vector bridges",
            ["bridge", "state", "side", "open", "rx packets", "rx bytes", "tx packets", "tx bytes", "drops", "errors", "reopens", "avg rx batch", "gso tx", "transport"],
            bridges.SelectMany(b => new[] { (b, b.A, b.FilterDropsAToB, b.FilterFailuresAToB), (b, b.B, b.FilterDropsBToA, b.FilterFailuresBToA) }).Select(row =>
            {
                var (bridge, side, filtered, failed) = row;
                var c = side.Counters;
                var drops = c.DescribeDrops();
                if (filtered > 0)
                {
                    drops = (drops == "0" ? string.Empty : drops + " ") + $"filter={filtered}";
                }

                if (failed > 0)
                {
                    drops = (drops == "0" ? string.Empty : drops + " ") + $"filter-failed={failed}";
                }

                return (IReadOnlyList<string>)
                [
                    bridge.Name, bridge.State.ToString(), side.Side, side.Open ? "yes" : "no",
                    N(c.RxPackets), N(c.RxBytes), N(c.TxPackets), N(c.TxBytes), drops, N(c.Errors), N(side.Reopens),
                    c.RxBatchCount == 0 ? "-" : ((double)(c.RxPackets + c.TotalDrops) / c.RxBatchCount).ToString("F1", CultureInfo.InvariantCulture),
                    DescribeSegmentation(c),
                    side.Spec,
                ];
            }));
    }

    private static void WriteTransport(ICommandConsole console, VectorTransport transport, string title)
    {
        var c = transport.Statistics.Snapshot();
        console.WriteTable(
            $"Transport counters ({title})",
            CounterColumns,
            [[transport.ToString(), N(c.RxPackets), N(c.RxBytes), N(c.TxPackets), N(c.TxBytes), N(c.Errors), c.DescribeDrops(), N(c.RxBatchCount), N(c.TxBatchCount)]]);
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    // What segmentation offload did on transmit: super-frames cut in software, and those sent whole.
    private static string DescribeSegmentation(TransportSnapshot c)
    {
        var parts = new List<string>(2);
        if (c.SegmentedFrames > 0)
        {
            parts.Add($"{N(c.SegmentedFrames)} cut into {N(c.Segments)}");
        }

        if (c.OffloadedFrames > 0)
        {
            parts.Add($"{N(c.OffloadedFrames)} whole");
        }

        return parts.Count == 0 ? "-" : string.Join(", ", parts);
    }

    private static VectorSpec Spec(CommandContext context, string name)
    {
        var text = context.GetArgument(name) ?? throw new CommandUsageException($"{context.CommandPath}: {name} is required.");
        try
        {
            return VectorSpecParser.Parse(text);
        }
        catch (VectorOptionException e)
        {
            throw new CommandUsageException($"{context.CommandPath}: {name}: {e.Message}", e);
        }
    }

    private static IReadOnlyList<byte[]> ReadPcap(CommandContext context, string path)
    {
        try
        {
            var frames = PcapReader.Parse(InputFile.ReadAllBytes(context.GetExistingFile("--pcap"), "--pcap", InputFile.DataLimit));
            return frames.Count > 0 ? frames : throw new CommandFailedException($"{context.CommandPath}: --pcap {path} holds no frames.");
        }
        catch (PcapFormatException e)
        {
            throw new CommandFailedException($"{context.CommandPath}: --pcap {path}: {e.Message}", e);
        }
    }

    /// <summary>Waits for frames in slices of a quarter second, so that Ctrl+C stops a long
    /// <c>--timeout</c> at once; 0 frames when the time is up or the command was cancelled.</summary>
    private static int ReceiveUntil(VectorTransport transport, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            var n = transport.Receive((int)Math.Clamp(left.TotalMilliseconds, 0, 250));
            if (n > 0 || left <= TimeSpan.Zero || cancellationToken.IsCancellationRequested)
            {
                return n;
            }
        }
    }

    private static byte[] TestFrame(VectorSpec spec, int size)
    {
        // Broadcast from our MAC with the local experimental EtherType 0x88b5 (IEEE 802 reserves it for tests).
        var frame = new byte[size];
        frame.AsSpan(0, 6).Fill(0xff);
        (spec.Mac?.ToArray() ?? [0x02, 0, 0, 0, 0, 0x01]).CopyTo(frame, 6);
        frame[12] = 0x88;
        frame[13] = 0xb5;
        for (var i = 14; i < size; i++)
        {
            frame[i] = (byte)i;
        }

        return frame;
    }

    private static VectorTransport OpenIn(string? netns, VectorSpec spec, CommandContext? context = null)
    {
        try
        {
            if (netns is null)
            {
                return TransportRegistry.Open(spec);
            }

            using (NetworkNamespace.Enter(netns))
            {
                return TransportRegistry.Open(spec);
            }
        }
        catch (VectorTransportException e) when (context is not null)
        {
            throw new CommandFailedException($"{context.CommandPath}: cannot open {spec.Transport}: {e.Message}", e);
        }
    }
}
