using System.Net.Sockets;
using Framework.Abstractions.Capabilities;
using Framework.Plugins.VectorTransports.Bridge;
using Framework.Plugins.VectorTransports.Transports;
using Framework.Plugins.VectorTransports.Wire;

namespace Framework.Plugins.VectorTransports.Tests.Bridge;

public sealed class VectorBridgeTests
{
    private sealed record Rig(VectorTransport Left, VectorTransport Right, BridgeDefinition Definition) : IDisposable
    {
        public void Dispose()
        {
            Left.Dispose();
            Right.Dispose();
        }
    }

    private static Rig UnixRig(int depth = 32)
    {
        string N(string what) => TestFrames.AbstractName(what);
        var (left, ba, bb, right) = (N("left"), N("ba"), N("bb"), N("right"));
        var definition = new BridgeDefinition
        {
            Name = "test",
            A = $"transport=unix,src={ba},dst={left},depth={depth}",
            B = $"transport=unix,src={bb},dst={right},depth={depth}",
            ReopenInitialDelayMilliseconds = 20,
            ReopenMaximumDelayMilliseconds = 200,
        };
        return new Rig(
            TransportRegistry.Open($"transport=unix,src={left},dst={ba},depth={depth}"),
            TransportRegistry.Open($"transport=unix,src={right},dst={bb},depth={depth}"),
            definition);
    }

    private static async Task WaitFor(Func<bool> condition, int milliseconds = 5000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(milliseconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task Forwards_both_ways_in_order_with_counters_and_stops_gracefully()
    {
        using var rig = UnixRig();
        var bridge = new VectorBridge(rig.Definition, new ListLogger());
        using var stop = new CancellationTokenSource();
        var running = bridge.RunAsync(stop.Token);
        await WaitFor(() => bridge.State == BridgeState.Forwarding);

        for (var i = 0; i < 20; i++)
        {
            rig.Left.Enqueue(TestFrames.Ethernet(100, i));
        }

        rig.Left.Flush();
        var right = TestFrames.Receive(rig.Right, 20);
        Assert.Equal(Enumerable.Range(0, 20), right.Select(f => TestFrames.SeedOf(f)));

        rig.Right.Send(TestFrames.Ethernet(200, 77));
        var left = TestFrames.Receive(rig.Left, 1);
        Assert.Equal(77, TestFrames.SeedOf(left.Single()));

        // A side counts what it sent once sendmmsg has returned, which can be after the peer has the frame.
        await WaitFor(() => bridge.Snapshot() is { B.Counters.TxPackets: 20, A.Counters.TxPackets: 1 });
        var snapshot = bridge.Snapshot();
        Assert.Equal(20, snapshot.A.Counters.RxPackets);
        Assert.Equal(2000, snapshot.A.Counters.RxBytes);
        Assert.Equal(20, snapshot.B.Counters.TxPackets);
        Assert.Equal(1, snapshot.B.Counters.RxPackets);
        Assert.Equal(1, snapshot.A.Counters.TxPackets);
        Assert.True(snapshot.A.Counters.RxBatchCount >= 1);

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(BridgeState.Stopped, bridge.State);
        Assert.False(bridge.Snapshot().A.Open);
        Assert.Equal(20, bridge.Snapshot().A.Counters.RxPackets);
    }

    [Fact]
    public async Task Hostile_frames_are_counted_as_drops_and_the_bridge_goes_on()
    {
        using var rig = UnixRig();
        // Side A's peer is absent, so any socket may send to it (a connected unix datagram socket only
        // accepts datagrams from its peer).
        var bridgeA = rig.Definition.A.Split(',')[1]["src=".Length..];
        rig.Definition.A = $"transport=unix,src={bridgeA},dst={TestFrames.AbstractName("absent")}";
        rig.Left.Dispose();
        var bridge = new VectorBridge(rig.Definition, new ListLogger());
        using var stop = new CancellationTokenSource();
        var running = bridge.RunAsync(stop.Token);
        await WaitFor(() => bridge.State == BridgeState.Forwarding);
        using var raw = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        var endpoint = new UnixDomainSocketEndPoint("\0" + bridgeA[1..]);
        raw.SendTo(new byte[5], endpoint);
        raw.SendTo(new byte[70000 - 100], endpoint);
        raw.SendTo(TestFrames.Ethernet(64, 5), endpoint);
        Assert.Equal(5, TestFrames.SeedOf(TestFrames.Receive(rig.Right, 1).Single()));
        await WaitFor(() => bridge.Snapshot().A.Counters.TotalDrops == 2);
        Assert.Equal(1, bridge.Snapshot().A.Counters.DropsOf(DropReason.Truncated));
        Assert.Equal(1, bridge.Snapshot().A.Counters.DropsOf(DropReason.Oversized));
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task A_failed_side_is_reopened_with_back_off_and_reported()
    {
        var port = TestFrames.AbstractName("bess");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint("\0" + port[1..]));
        listener.Listen(4);
        using var rig = UnixRig();
        rig.Definition.B = $"transport=bess,dst={port}";
        var logger = new ListLogger();
        var bridge = new VectorBridge(rig.Definition, logger);
        using var stop = new CancellationTokenSource();
        var running = bridge.RunAsync(stop.Token);
        var first = await listener.AcceptAsync();
        first.Dispose();
        var second = await listener.AcceptAsync().WaitAsync(TimeSpan.FromSeconds(5));
        await WaitFor(() => bridge.Snapshot().B.Reopens == 1 && bridge.State == BridgeState.Forwarding);
        rig.Left.Send(TestFrames.Ethernet(90, 3));
        var buffer = new byte[2000];
        var n = await second.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(TestFrames.Ethernet(90, 3), buffer[..n]);
        Assert.Contains(logger.Messages, m => m.Contains("side b failed", StringComparison.Ordinal) && m.Contains("reopening in", StringComparison.Ordinal));
        Assert.NotNull(bridge.Snapshot().B.LastError);
        second.Dispose();
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task A_side_that_cannot_open_is_retried_until_it_can()
    {
        var port = TestFrames.AbstractName("late");
        using var rig = UnixRig();
        rig.Definition.B = $"transport=bess,dst={port}";
        var logger = new ListLogger();
        var bridge = new VectorBridge(rig.Definition, logger);
        using var stop = new CancellationTokenSource();
        var running = bridge.RunAsync(stop.Token);
        await WaitFor(() => logger.Messages.Count(m => m.Contains("cannot be opened", StringComparison.Ordinal)) >= 2);
        Assert.Equal(BridgeState.Reopening, bridge.State);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint("\0" + port[1..]));
        listener.Listen(1);
        using var accepted = await listener.AcceptAsync().WaitAsync(TimeSpan.FromSeconds(5));
        await WaitFor(() => bridge.State == BridgeState.Forwarding);
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task The_packet_filter_capability_drops_and_trims_frames_in_both_directions()
    {
        using var rig = UnixRig();
        rig.Definition.PacketFilter = "/filters/odd.o";
        var provider = new OddSeedFilterProvider();
        var bridge = new VectorBridge(rig.Definition, new ListLogger(), filterProvider: () => provider);
        using var stop = new CancellationTokenSource();
        var running = bridge.RunAsync(stop.Token);
        await WaitFor(() => bridge.State == BridgeState.Forwarding);
        for (var i = 0; i < 10; i++)
        {
            rig.Left.Enqueue(TestFrames.Ethernet(100, i));
        }

        rig.Left.Flush();
        var frames = TestFrames.Receive(rig.Right, 5);
        Assert.Equal([0, 2, 4, 6, 8], frames.Select(f => TestFrames.SeedOf(f)));
        Assert.All(frames, f => Assert.Equal(60, f.Length));
        await WaitFor(() => bridge.Snapshot().FilterDropsAToB == 5);
        Assert.Equal("test:/filters/odd.o", bridge.Snapshot().PacketFilter);
        Assert.Equal(("/filters/odd.o", "prog"), (provider.Path, provider.Section ?? "prog"));
        await stop.CancelAsync();
        await running;
        Assert.True(provider.Disposed);
    }

    [Fact]
    public async Task Without_a_packet_filter_provider_the_bridge_says_so_and_forwards_nothing()
    {
        using var rig = UnixRig();
        rig.Definition.PacketFilter = "/filters/x.o";
        var logger = new ListLogger();
        var bridge = new VectorBridge(rig.Definition, logger, filterProvider: () => null);
        using var stop = new CancellationTokenSource();
        var running = bridge.RunAsync(stop.Token);
        await WaitFor(() => bridge.State == BridgeState.WaitingForPacketFilter);
        Assert.Contains(logger.Messages, m => m.Contains("no running plugin offers IPacketFilterProvider", StringComparison.Ordinal));
        rig.Left.Send(TestFrames.Ethernet(64, 1));
        Assert.Equal(0, rig.Right.Receive(200));
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task A_filter_that_fails_is_released_and_frames_are_dropped_and_counted_until_a_provider_loads_it_again()
    {
        using var rig = UnixRig();
        rig.Definition.PacketFilter = "/filters/odd.o";
        var logger = new ListLogger();
        var dying = new DyingFilterProvider();
        IPacketFilterProvider? offered = dying;
        var bridge = new VectorBridge(rig.Definition, logger, filterProvider: () => Volatile.Read(ref offered));
        using var stop = new CancellationTokenSource();
        var running = bridge.RunAsync(stop.Token);
        await WaitFor(() => bridge.State == BridgeState.Forwarding);
        rig.Left.Send(TestFrames.Ethernet(100, 1));
        Assert.Equal([1], TestFrames.Receive(rig.Right, 1).Select(f => TestFrames.SeedOf(f)));

        // The provider's process dies: its filter throws, and no provider is offered for a while.
        Volatile.Write(ref offered, null);
        dying.Kill();
        for (var seed = 20; seed < 23; seed++)
        {
            rig.Left.Send(TestFrames.Ethernet(100, seed));
        }

        await WaitFor(() => bridge.Snapshot().FilterFailuresAToB == 3);
        Assert.Equal(BridgeState.WaitingForPacketFilter, bridge.State);
        Assert.Null(bridge.Snapshot().PacketFilter);
        Assert.True(dying.Filter!.Disposed);
        Assert.Contains(logger.Messages, m => m.Contains("the packet filter /filters/odd.o failed (InvalidOperationException: the provider's process died); frames are dropped until it is loaded again", StringComparison.Ordinal));
        Assert.Equal(0, rig.Right.Receive(200));

        // The provider is back (a restarted process): the filter is loaded from it and frames flow through it again.
        var restarted = new OddSeedFilterProvider();
        Volatile.Write(ref offered, restarted);
        await WaitFor(() => bridge.State == BridgeState.Forwarding);
        for (var seed = 10; seed < 14; seed++)
        {
            rig.Left.Send(TestFrames.Ethernet(100, seed));
        }

        Assert.Equal([10, 12], TestFrames.Receive(rig.Right, 2).Select(f => TestFrames.SeedOf(f)));
        await WaitFor(() => bridge.Snapshot().FilterDropsAToB == 2);
        Assert.Equal(3, bridge.Snapshot().FilterFailuresAToB);
        Assert.Equal(0, rig.Right.Receive(200));
        await stop.CancelAsync();
        await running;
        Assert.True(restarted.Disposed);
    }

    private sealed class DyingFilterProvider : IPacketFilterProvider
    {
        private volatile bool _dead;

        public string Kind => "dying";

        public KeepAll? Filter { get; private set; }

        public void Kill() => _dead = true;

        public IPacketFilter Load(string path, string? section) => Filter = new KeepAll(this);

        public sealed class KeepAll(DyingFilterProvider owner) : IPacketFilter
        {
            public bool Disposed { get; private set; }

            public uint Filter(ReadOnlySpan<byte> frame) =>
                owner._dead ? throw new InvalidOperationException("the provider's process died") : (uint)frame.Length;

            public void Dispose() => Disposed = true;
        }
    }

    private sealed class OddSeedFilterProvider : IPacketFilterProvider
    {
        public string Kind => "test";

        public string? Path { get; private set; }

        public string? Section { get; private set; }

        public bool Disposed => _filter?.Disposed ?? false;

        private OddFilter? _filter;

        public IPacketFilter Load(string path, string? section)
        {
            Path = path;
            Section = section;
            return _filter = new OddFilter();
        }

        private sealed class OddFilter : IPacketFilter
        {
            public bool Disposed { get; private set; }

            public uint Filter(ReadOnlySpan<byte> frame) => TestFrames.SeedOf(frame) % 2 == 1 ? 0u : 60u;

            public void Dispose() => Disposed = true;
        }
    }
}
