using Framework.Plugins.VectorTransports.Bridge;
using Framework.Plugins.VectorTransports.Transports;

namespace Framework.Plugins.VectorTransports.Tests.Interop;

/// <summary>
/// Our bridge as a pseudowire endpoint with QEMU at the far end:
/// edge (our unix) ⇄ bridge [unix | l2tpv3/UDP] ⇄ QEMU [l2tpv3 | hub | dgram] ⇄ far (our unix).
/// Every frame crosses our tunnel encapsulation one way and QEMU's the other.
/// </summary>
public sealed class QemuBridgeInteropTests
{
    [QemuFact]
    public async Task Bridge_carries_frames_end_to_end_through_QEMU_tunnel_both_ways()
    {
        using var qemu = new QemuNetdevPeer();
        var wire = L2tpv3Pseudowire.Mirrored(true, "127.0.0.1", "127.0.0.1", 0x51, 0x52, 0xcafe_f00d_0000_0001, 0xcafe_f00d_0000_0002, cookie64: true, counter: true);
        var (qemuLocal, far, bridgeSide, edge) = (qemu.SocketPath("qemu.sock"), qemu.SocketPath("far.sock"), qemu.SocketPath("bridge.sock"), qemu.SocketPath("edge.sock"));
        qemu.Start(null, wire.QemuNetdev(), $"dgram,local.type=unix,local.path={qemuLocal},remote.type=unix,remote.path={far}");
        using var farEnd = TransportRegistry.Open($"transport=unix,src={far},dst={qemuLocal}");
        using var edgeEnd = TransportRegistry.Open($"transport=unix,src={edge},dst={bridgeSide}");
        var bridge = new VectorBridge(
            new BridgeDefinition { Name = "qemu", A = $"transport=unix,src={bridgeSide},dst={edge}", B = wire.OurSpec() },
            new ListLogger());
        using var stop = new CancellationTokenSource();
        var running = bridge.RunAsync(stop.Token);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (bridge.State != BridgeState.Forwarding)
            {
                Assert.True(DateTime.UtcNow < deadline, $"bridge state {bridge.State}");
                await Task.Delay(10);
            }

            var outward = Traffic.Frames(40, 3000);
            var inward = Traffic.Frames(40, 4000);
            TestFrames.Send(edgeEnd, outward);
            Assert.Equal(outward, TestFrames.Receive(farEnd, 40));
            TestFrames.Send(farEnd, inward);
            Assert.Equal(inward, TestFrames.Receive(edgeEnd, 40));

            var snapshot = bridge.Snapshot();
            Assert.Equal((40, 40), (snapshot.B.Counters.TxPackets, snapshot.B.Counters.RxPackets));
            Assert.Equal("0", snapshot.A.Counters.DescribeDrops());
            Assert.Equal("0", snapshot.B.Counters.DescribeDrops());
            Assert.DoesNotContain("verification failed", qemu.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }
}
