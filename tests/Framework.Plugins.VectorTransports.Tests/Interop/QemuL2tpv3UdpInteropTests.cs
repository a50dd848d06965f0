using System.Net;
using System.Net.Sockets;
using Framework.Plugins.VectorTransports.Transports;
using Framework.Plugins.VectorTransports.Wire;

namespace Framework.Plugins.VectorTransports.Tests.Interop;

/// <summary>
/// Our l2tpv3 transport over UDP against QEMU's l2tpv3 netdev (RFC 3931 as UML's vector driver sends it,
/// by the same author). QEMU joins its l2tpv3 netdev and a dgram netdev on a hub; we hold both ends:
/// our l2tpv3 transport on the tunnel and our unix transport on QEMU's dgram socket. Needs no privilege.
/// </summary>
public sealed class QemuL2tpv3UdpInteropTests
{
    private const ulong Cookie32Qemu = 0x8badf00d;
    private const ulong Cookie32Ours = 0x0defaced;
    private const ulong Cookie64Qemu = 0xfedcba9876543210;
    private const ulong Cookie64Ours = 0x0123456789abcdef;

    /// <summary>QEMU and our two transports around one pseudowire.</summary>
    private sealed class Rig : IDisposable
    {
        public Rig(L2tpv3Pseudowire wire)
        {
            Wire = wire;
            Qemu = new QemuNetdevPeer();
            try
            {
                QemuLocal = Qemu.SocketPath("qemu.sock");
                OurUnixPath = Qemu.SocketPath("ours.sock");
                Qemu.Start(null, wire.QemuNetdev(), Dgram(QemuLocal, OurUnixPath));
                Tunnel = TransportRegistry.Open(wire.OurSpec());
                Unix = OpenUnix();
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public L2tpv3Pseudowire Wire { get; }
        public QemuNetdevPeer Qemu { get; }
        public string QemuLocal { get; } = string.Empty;
        public string OurUnixPath { get; } = string.Empty;

        /// <summary>Our l2tpv3 end of the tunnel.</summary>
        public VectorTransport Tunnel { get; } = null!;

        /// <summary>Our unix socket on QEMU's dgram netdev: what QEMU decapsulates comes out here.</summary>
        public VectorTransport Unix { get; private set; } = null!;

        public static string Dgram(string local, string remote) =>
            $"dgram,local.type=unix,local.path={local},remote.type=unix,remote.path={remote}";

        /// <summary>Restarts QEMU; our unix socket is reopened because its peer socket is a new one.</summary>
        public void RestartQemu()
        {
            Unix.Dispose();
            Qemu.Restart();
            Unix = OpenUnix();
        }

        public string Describe() =>
            $"ours: {Wire.OurSpec()}; tunnel tx={Tunnel.Statistics.TxPackets} rx={Tunnel.Statistics.RxPackets} drops {Tunnel.Statistics.Snapshot().DescribeDrops()} errors={Tunnel.Statistics.Errors}; " +
            $"unix tx={Unix.Statistics.TxPackets} drops {Unix.Statistics.Snapshot().DescribeDrops()}; {Qemu}; {Qemu.DescribeSockets()}; QEMU stderr: {Qemu.Stderr}";

        public void Dispose()
        {
            Unix?.Dispose();
            Tunnel?.Dispose();
            Qemu.Dispose();
        }

        private VectorTransport OpenUnix() => TransportRegistry.Open($"transport=unix,src={OurUnixPath},dst={QemuLocal}");
    }

    private static L2tpv3Pseudowire Wire(bool ipv6, string cookie, bool counter, bool pinCounter = false)
    {
        var address = ipv6 ? "::1" : "127.0.0.1";
        var (qemuCookie, ourCookie) = cookie switch
        {
            "32" => (Cookie32Qemu, Cookie32Ours),
            "64" => (Cookie64Qemu, Cookie64Ours),
            _ => ((ulong?)null, (ulong?)null),
        };
        return L2tpv3Pseudowire.Mirrored(true, address, address, qemuSession: 0x1234_5678, ourSession: 0xfedc_0001, qemuCookie, ourCookie, cookie == "64", counter, pinCounter);
    }

    private static void AssertBothWays(Rig rig, int count)
    {
        var ours = Traffic.Frames(count, 1000);
        var theirs = Traffic.Frames(count, 2000);

        // Ours into the tunnel: QEMU must accept every one (it checks cookie and session) and hand it to its hub.
        TestFrames.Send(rig.Tunnel, ours);
        Traffic.AssertFrames(ours, TestFrames.Receive(rig.Unix, count), rig.Describe);

        // QEMU's into the tunnel: we must accept every one (UDP header word, cookie, session, counter).
        TestFrames.Send(rig.Unix, theirs);
        Traffic.AssertFrames(theirs, TestFrames.Receive(rig.Tunnel, count), rig.Describe);

        Assert.Equal(count, rig.Tunnel.Statistics.TxPackets);
        Assert.Equal(count, rig.Tunnel.Statistics.RxPackets);
        Assert.Equal("0", rig.Tunnel.Statistics.Snapshot().DescribeDrops());
        Assert.Equal("0", rig.Unix.Statistics.Snapshot().DescribeDrops());
        Assert.Equal(0, rig.Tunnel.Statistics.Errors);
        Assert.DoesNotContain("l2tpv3 header verification failed", rig.Qemu.Stderr, StringComparison.Ordinal);
    }

    [QemuTheory]
    [InlineData(false, "none", false)]
    [InlineData(false, "32", true)]
    [InlineData(false, "64", false)]
    [InlineData(true, "none", true)]
    [InlineData(true, "32", false)]
    [InlineData(true, "64", true)]
    public void Frames_cross_both_ways_byte_for_byte_with_sessions_cookies_and_counter(bool ipv6, string cookie, bool counter)
    {
        using var rig = new Rig(Wire(ipv6, cookie, counter));
        AssertBothWays(rig, 16);
    }

    [QemuTheory]
    [InlineData("none", false, false)]
    [InlineData("32", false, false)]
    [InlineData("32", true, false)]
    [InlineData("64", true, false)]
    [InlineData("64", true, true)]
    public void Qemu_datagrams_equal_what_our_encapsulation_writes_for_the_same_options(string cookie, bool counter, bool pinCounter)
    {
        // A plain UDP socket takes our tunnel end's place, so what QEMU sends is seen as it is on the wire.
        // The listener binds first and QEMU is told its port: a free port picked and released
        // earlier could be taken by another test process in between.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var wire = Wire(false, cookie, counter, pinCounter) with { OurPort = ((IPEndPoint)listener.LocalEndPoint!).Port };
        using var qemu = new QemuNetdevPeer();
        listener.ReceiveTimeout = 5000;
        var local = qemu.SocketPath("qemu.sock");
        var remote = qemu.SocketPath("ours.sock");
        qemu.Start(null, wire.QemuNetdev(), Rig.Dgram(local, remote));
        using var unix = TransportRegistry.Open($"transport=unix,src={remote},dst={local}");

        var expected = wire.QemuTransmitAsOurs();
        var frames = Traffic.Frames(3, 300);
        TestFrames.Send(unix, frames);
        var buffer = new byte[4096];
        foreach (var frame in frames)
        {
            var n = listener.Receive(buffer);
            var header = new byte[expected.HeaderSize];
            expected.WriteHeader(header, frame);
            Assert.Equal(Convert.ToHexString([.. header, .. frame]), Convert.ToHexString(buffer, 0, n));
        }
    }

    [QemuTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void Pinned_counters_interoperate_whichever_side_checks(bool ourPinCounter)
    {
        // QEMU pins (counter 0 on every packet, and it never checks); we either pin too (no check, like UML)
        // or check, reading 0 as "the peer pinned or reset".
        var wire = Wire(false, "32", counter: true, pinCounter: true) with { OurPinCounter = ourPinCounter };
        using var rig = new Rig(wire);
        AssertBothWays(rig, 8);
    }

    [QemuTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_wrong_cookie_is_dropped_by_reason_on_our_side_and_by_QEMU_on_its(bool cookie64)
    {
        // For 64-bit cookies only the upper half differs: the whole 64 bits must be compared.
        var cookie = cookie64 ? "64" : "32";
        var wire = Wire(false, cookie, counter: true);
        var off = cookie64 ? 1UL << 40 : 1UL;
        using var rig = new Rig(wire with { OurRxCookie = wire.OurRxCookie ^ off, OurTxCookie = wire.OurTxCookie ^ off });

        TestFrames.Send(rig.Unix, Traffic.Frames(5, 500));
        Assert.Empty(TestFrames.ReceiveUntil(rig.Tunnel, () => rig.Tunnel.Statistics.TotalDrops >= 5));
        Assert.Equal("cookie=5", rig.Tunnel.Statistics.Snapshot().DescribeDrops());
        Assert.Equal(0, rig.Tunnel.Statistics.RxPackets);

        TestFrames.Send(rig.Tunnel, Traffic.Frames(5, 600));
        Assert.True(rig.Qemu.WaitForStderr("unknown cookie id"), rig.Qemu.Stderr);
        Assert.Empty(TestFrames.Receive(rig.Unix, 1, 300));
    }

    [QemuFact]
    public void A_wrong_session_is_dropped_by_reason_on_our_side_and_by_QEMU_on_its()
    {
        var wire = Wire(true, "64", counter: false);
        using var rig = new Rig(wire with { OurRxSession = wire.OurRxSession + 1, OurTxSession = wire.OurTxSession + 1 });

        TestFrames.Send(rig.Unix, Traffic.Frames(4, 500));
        Assert.Empty(TestFrames.ReceiveUntil(rig.Tunnel, () => rig.Tunnel.Statistics.TotalDrops >= 4));
        Assert.Equal("session=4", rig.Tunnel.Statistics.Snapshot().DescribeDrops());

        TestFrames.Send(rig.Tunnel, Traffic.Frames(4, 600));
        Assert.True(rig.Qemu.WaitForStderr("session mismatch"), rig.Qemu.Stderr);
        Assert.Empty(TestFrames.Receive(rig.Unix, 1, 300));
    }

    [QemuTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_restarted_QEMU_counts_from_1_again_and_is_followed_after_at_most_a_short_run_of_drops(bool ourPinCounter)
    {
        // QEMU and UML never check the counter on receive; we do unless pin_counter=1. A peer that restarts
        // sends 1, 2, ... again: inside the reorder window those look late, and after a short run of them
        // in a row (SequenceCheck.RestartRun) the receiver takes it as the restart it is.
        var wire = Wire(false, "none", counter: true) with { OurPinCounter = ourPinCounter };
        using var rig = new Rig(wire);
        var before = Traffic.Frames(20, 100);
        TestFrames.Send(rig.Unix, before);
        Assert.Equal(before, TestFrames.Receive(rig.Tunnel, 20));

        rig.RestartQemu();
        var after = Traffic.Frames(12, 200);
        TestFrames.Send(rig.Unix, after);
        var received = TestFrames.ReceiveUntil(rig.Tunnel, () => rig.Tunnel.Statistics.RxPackets + rig.Tunnel.Statistics.TotalDrops >= 32);
        if (ourPinCounter)
        {
            Assert.Equal(after, received);
            Assert.Equal(0, rig.Tunnel.Statistics.TotalDrops);
        }
        else
        {
            // Counters 1..7 are late (the last accepted was 20); the eighth late one in a row resyncs.
            var dropped = SequenceCheck.RestartRun - 1;
            Assert.Equal(after[dropped..], received);
            Assert.Equal($"sequence={dropped}", rig.Tunnel.Statistics.Snapshot().DescribeDrops());
        }
    }
}
