using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Framework.Plugins.VectorTransports.Bridge;
using Framework.Plugins.VectorTransports.Native;
using Framework.Plugins.VectorTransports.Transports;
using Framework.Plugins.VectorTransports.Wire;
using Xunit.Abstractions;

namespace Framework.Plugins.VectorTransports.Tests.Namespaces;

/// <summary>
/// Segmentation-offload super-frames from the real kernel crossing the bridge. A TCP sender in namespace
/// "a" talks over a veth pair whose far end ("b") is a raw gro=1 transport: veth hands its TSO super-frames
/// (up to 64 KB, virtio_net_hdr gso_type TCPV4) to the packet socket unsegmented. The bridge joins it to a
/// tap in namespace "c", where the receiver lives: a tap without gro gets the super-frames segmented in
/// software, a tap (or hybrid) with gro=1 (TSO and USO offloads on) gets them whole, and sends its own
/// super-frames back, which a raw transport without gro gets segmented.
/// </summary>
public sealed class GroTests(ITestOutputHelper output)
{
    private const string ClientAddress = "10.98.0.1";
    private const string ServerAddress = "10.98.0.2";
    private const string ClientAddress6 = "fd98::1";
    private const string ServerAddress6 = "fd98::2";

    [NamespaceFact]
    public async Task TCP_super_frames_from_a_raw_gro_transport_are_segmented_for_a_tap_without_gro()
    {
        await using var rig = await Rig.Start(rawGro: true, tapGro: false);
        await rig.TransferAsync(fromClient: true, 4 * 1024 * 1024);
        var raw = rig.Raw.Statistics;
        var tap = rig.Tap.Statistics;
        var overIpv4 = tap.SegmentedFrames;
        await rig.TransferAsync(fromClient: true, 4 * 1024 * 1024, ipv6: true);
        Report(rig);

        Assert.True(overIpv4 > 0, $"TCPv4 super-frames segmented: {overIpv4}");
        Assert.True(tap.SegmentedFrames > overIpv4, $"TCPv6 super-frames segmented: {tap.SegmentedFrames - overIpv4}");
        Assert.True(tap.Segments > tap.SegmentedFrames, $"segments {tap.Segments} of {tap.SegmentedFrames} super-frames");
        Assert.Equal(0, tap.OffloadedFrames);
        Assert.Equal(0, raw.Drops(DropReason.Gso));
        Assert.True(raw.TotalDrops == 0 && tap.TotalDrops == 0, $"drops raw {raw.Snapshot().DescribeDrops()} tap {tap.Snapshot().DescribeDrops()}");

        // What the operator sees: the bridge side's snapshot (metrics, stats file) and `vector stats`.
        var side = rig.Bridge.Snapshot().B.Counters;
        Assert.Equal((tap.SegmentedFrames, tap.Segments, 0L), (side.SegmentedFrames, side.Segments, side.OffloadedFrames));
        var console = new FakeConsole();
        Framework.Plugins.VectorTransports.Cli.VectorCommands.WriteBridges(console, [rig.Bridge.Snapshot()]);
        Assert.Equal($"{tap.SegmentedFrames} cut into {tap.Segments}", console.Tables.Single().Rows[1][12]);
    }

    [NamespaceTheory]
    [InlineData("tap")]
    [InlineData("hybrid")]
    public async Task TCP_super_frames_pass_whole_between_raw_and_tap_transports_with_gro(string tapTransport)
    {
        await using var rig = await Rig.Start(rawGro: true, tapGro: true, tapTransport: tapTransport);
        await rig.TransferAsync(fromClient: true, 4 * 1024 * 1024);
        await rig.TransferAsync(fromClient: false, 4 * 1024 * 1024);
        await rig.TransferAsync(fromClient: false, 4 * 1024 * 1024, ipv6: true);
        Report(rig);

        var raw = rig.Raw.Statistics;
        var tap = rig.Tap.Statistics;
        Assert.True(tap.OffloadedFrames > 0, $"passed whole into the tap: {tap.OffloadedFrames}");
        Assert.True(raw.OffloadedFrames > 0, $"passed whole into the raw socket: {raw.OffloadedFrames}");
        Assert.Equal(0, tap.SegmentedFrames + raw.SegmentedFrames);

        // Hybrid's raw socket sees what we write into its tap coming back in: own_frame, as always.
        // One snapshot each: the counters still move (late ACKs) while the test reads them.
        var (rawNow, tapNow) = (raw.Snapshot(), tap.Snapshot());
        var tapDrops = tapNow.TotalDrops - tapNow.DropsOf(DropReason.OwnFrame);
        Assert.True(rawNow.TotalDrops == 0 && tapDrops == 0, $"drops raw {rawNow.DescribeDrops()} {tapTransport} {tapNow.DescribeDrops()}");
    }

    [EthtoolFact]
    public async Task UDP_and_TCP_super_frames_from_a_tap_with_gro_are_segmented_for_a_raw_transport_without_gro()
    {
        // A raw socket without virtio-net headers sees a local sender's frames as the sender left them, with
        // the checksum unfinished when the veth offloads it: the client computes its own checksums here.
        await using var rig = await Rig.Start(rawGro: false, tapGro: true, clientChecksums: true);
        await rig.TransferAsync(fromClient: false, 2 * 1024 * 1024);
        var raw = rig.Raw.Statistics;
        var tap = rig.Tap.Statistics;
        Assert.True(raw.SegmentedFrames > 0, $"TCP super-frames segmented: {raw.SegmentedFrames}");

        // UDP_SEGMENT: one send of 8 datagrams' worth becomes one UDP_L4 super-frame on the tap (USO4).
        var before = raw.SegmentedFrames;
        var datagrams = rig.SendSegmentedUdp(count: 8, size: 1000);
        Assert.Equal(8, datagrams.Count);
        Assert.All(datagrams, d => Assert.Equal(1000, d.Length));
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (byte)i), datagrams.Select(d => d[0]));
        Assert.True(raw.SegmentedFrames > before, "the UDP super-frame was segmented");
        Report(rig);
        Assert.True(raw.TotalDrops == 0 && tap.TotalDrops == 0, $"drops raw {raw.Snapshot().DescribeDrops()} tap {tap.Snapshot().DescribeDrops()}");
    }

    private void Report(Rig rig)
    {
        foreach (var transport in new[] { rig.Raw, rig.Tap })
        {
            var s = transport.Statistics;
            output.WriteLine($"{transport}: rx {s.RxPackets} ({s.RxBytes} B), tx {s.TxPackets}, segmented {s.SegmentedFrames} into {s.Segments}, passed whole {s.OffloadedFrames}, drops {s.Snapshot().DescribeDrops()}");
        }
    }

    /// <summary>A namespace test that also changes a veth's offloads with ethtool.</summary>
    public sealed class EthtoolFactAttribute : FactAttribute
    {
        public EthtoolFactAttribute()
        {
            Skip = Host.MissingForNamespaces() ?? (Host.Find("ethtool") is null ? "needs ethtool (apt-get install ethtool)" : null);
        }
    }

    private sealed class Rig : IAsyncDisposable
    {
        private readonly TestNetwork _net;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<VectorTransport> _opened = [];
        private Task? _running;

        private Rig(TestNetwork net) => _net = net;

        public string Client { get; private set; } = string.Empty;

        public string Server { get; private set; } = string.Empty;

        public VectorBridge Bridge { get; private set; } = null!;

        public VectorTransport Raw => _opened.Last(t => t.Name == "raw");

        public VectorTransport Tap => _opened.Last(t => t.Name != "raw");

        public static async Task<Rig> Start(bool rawGro, bool tapGro, bool clientChecksums = false, string tapTransport = "tap")
        {
            var rig = new Rig(new TestNetwork());
            try
            {
                var a = rig.Client = rig._net.Namespace("a");
                var b = rig._net.Namespace("b");
                var c = rig.Server = rig._net.Namespace("c");
                rig._net.Veth(a, "va", b, "vb", $"{ClientAddress}/24", v6A: $"{ClientAddress6}/64");
                if (clientChecksums)
                {
                    TestNetwork.Exec(a, "ethtool -K va tx off");
                }
                var bridge = new VectorBridge(
                    new BridgeDefinition
                    {
                        Name = "gro",
                        A = $"transport=raw,ifname=vb,depth=64,gro={(rawGro ? 1 : 0)}",
                        B = $"transport={tapTransport},ifname=gt0,depth=64,gro={(tapGro ? 1 : 0)}",
                    },
                    new ListLogger(),
                    open: spec =>
                    {
                        var transport = TestNetwork.Open(spec.Transport == "raw" ? b : c, spec.Text);
                        lock (rig._opened)
                        {
                            rig._opened.Add(transport);
                        }

                        return transport;
                    });
                rig.Bridge = bridge;
                rig._running = bridge.RunAsync(rig._stop.Token);
                var deadline = DateTime.UtcNow.AddSeconds(10);
                while (bridge.State != BridgeState.Forwarding)
                {
                    Assert.True(DateTime.UtcNow < deadline, "the bridge did not start");
                    await Task.Delay(20);
                }

                TestNetwork.Exec(c, $"ip addr add {ServerAddress}/24 dev gt0");
                TestNetwork.Exec(c, $"ip addr add {ServerAddress6}/64 dev gt0 nodad");
                TestNetwork.Exec(c, "ip link set gt0 up");
                return rig;
            }
            catch
            {
                await rig.DisposeAsync();
                throw;
            }
        }

        /// <summary>Sends <paramref name="size"/> random bytes over TCP (client to server or back) and checks them.</summary>
        public async Task TransferAsync(bool fromClient, int size, bool ipv6 = false)
        {
            var payload = RandomNumberGenerator.GetBytes(size);
            var family = ipv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
            Socket listener;
            using (NetworkNamespace.Enter(Server))
            {
                listener = new Socket(family, SocketType.Stream, ProtocolType.Tcp);
                listener.Bind(new IPEndPoint(IPAddress.Parse(ipv6 ? ServerAddress6 : ServerAddress), 0));
                listener.Listen(1);
            }

            Socket client;
            using (NetworkNamespace.Enter(Client))
            {
                client = new Socket(family, SocketType.Stream, ProtocolType.Tcp);
            }

            using (listener)
            using (client)
            {
                var accept = listener.AcceptAsync();
                await client.ConnectAsync(listener.LocalEndPoint!).WaitAsync(TimeSpan.FromSeconds(10));
                using var server = await accept.WaitAsync(TimeSpan.FromSeconds(10));
                var (sender, receiver) = fromClient ? (client, server) : (server, client);
                var receive = Task.Run(async () =>
                {
                    var received = new MemoryStream();
                    var buffer = new byte[65536];
                    int n;
                    while ((n = await receiver.ReceiveAsync(buffer.AsMemory())) > 0)
                    {
                        received.Write(buffer, 0, n);
                    }

                    return received.ToArray();
                });
                await sender.SendAsync(payload.AsMemory()).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
                sender.Shutdown(SocketShutdown.Send);
                var got = await receive.WaitAsync(TimeSpan.FromSeconds(30));
                Assert.Equal(payload.Length, got.Length);
                Assert.Equal(SHA256.HashData(payload), SHA256.HashData(got));
            }
        }

        /// <summary>Sends count * size bytes from the server with UDP_SEGMENT = size in one call and returns
        /// the datagrams the client received.</summary>
        public List<byte[]> SendSegmentedUdp(int count, int size)
        {
            Socket receiver;
            using (NetworkNamespace.Enter(Client))
            {
                receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                receiver.Bind(new IPEndPoint(IPAddress.Parse(ClientAddress), 0));
            }

            Socket sender;
            using (NetworkNamespace.Enter(Server))
            {
                sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                sender.Bind(new IPEndPoint(IPAddress.Parse(ServerAddress), 0));
            }

            using (receiver)
            using (sender)
            {
                // SOL_UDP (17), UDP_SEGMENT (103): the kernel cuts the send into datagrams of this size, or lets the device.
                sender.SetRawSocketOption(17, 103, BitConverter.GetBytes(size));
                var data = new byte[count * size];
                for (var i = 0; i < count; i++)
                {
                    data.AsSpan(i * size, size).Fill((byte)i);
                }

                sender.SendTo(data, receiver.LocalEndPoint!);
                var datagrams = new List<byte[]>();
                var buffer = new byte[65536];
                receiver.ReceiveTimeout = 5000;
                while (datagrams.Count < count)
                {
                    var n = receiver.Receive(buffer);
                    datagrams.Add(buffer.AsSpan(0, n).ToArray());
                }

                return datagrams;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            if (_running is not null)
            {
                await _running;
            }

            _stop.Dispose();
            _net.Dispose();
        }
    }
}
