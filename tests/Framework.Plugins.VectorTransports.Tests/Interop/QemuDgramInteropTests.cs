using Framework.Plugins.VectorTransports.Transports;

namespace Framework.Plugins.VectorTransports.Tests.Interop;

/// <summary>
/// Our unix transport (not one of UML's: it follows QEMU's dgram netdev) against QEMU's dgram netdev with
/// unix addresses. QEMU joins two dgram netdevs on a hub; one of our unix transports faces each, so every
/// frame crosses QEMU's receive and send paths once. File names only: QEMU 7.2's dgram netdev ignores
/// <c>local.abstract=on</c> and binds a file of that name, so abstract names cannot meet it.
/// </summary>
public sealed class QemuDgramInteropTests
{
    [QemuFact]
    public void Unix_transport_exchanges_frames_with_QEMU_dgram_both_ways()
    {
        using var qemu = new QemuNetdevPeer();
        var (q0, o0, q1, o1) = (qemu.SocketPath("q0.sock"), qemu.SocketPath("o0.sock"), qemu.SocketPath("q1.sock"), qemu.SocketPath("o1.sock"));
        qemu.Start(
            null,
            $"dgram,local.type=unix,local.path={q0},remote.type=unix,remote.path={o0}",
            $"dgram,local.type=unix,local.path={q1},remote.type=unix,remote.path={o1}");
        using var a = TransportRegistry.Open($"transport=unix,src={o0},dst={q0}");
        using var b = TransportRegistry.Open($"transport=unix,src={o1},dst={q1}");

        // More frames than a unix datagram queue holds (net.unix.max_dgram_qlen, 10 by default): both sides
        // must wait for room rather than lose frames.
        var fromA = Traffic.Frames(64, 100);
        var fromB = Traffic.Frames(64, 700);
        string Context() => $"a: {a.Statistics.Snapshot().DescribeDrops()}, b: {b.Statistics.Snapshot().DescribeDrops()}; {qemu}; QEMU stderr: {qemu.Stderr}";
        TestFrames.Send(a, fromA);
        Traffic.AssertFrames(fromA, TestFrames.Receive(b, 64), Context);
        TestFrames.Send(b, fromB);
        Traffic.AssertFrames(fromB, TestFrames.Receive(a, 64), Context);
        Assert.Equal("0", a.Statistics.Snapshot().DescribeDrops());
        Assert.Equal("0", b.Statistics.Snapshot().DescribeDrops());
    }
}
