using Framework.Plugins.VectorTransports.Tests.Namespaces;
using Framework.Plugins.VectorTransports.Transports;
using Framework.Plugins.VectorTransports.Wire;

namespace Framework.Plugins.VectorTransports.Tests.Interop;

/// <summary>
/// Our l2tpv3 transport over IP protocol 115 (raw sockets) against QEMU's l2tpv3 netdev, both inside a
/// network namespace of the test's own, so that no other raw socket sees the packets. QEMU's end and ours
/// have different loopback addresses (a raw socket bound to an address receives every protocol-115
/// packet sent to it).
/// </summary>
public sealed class QemuL2tpv3IpInteropTests
{
    private sealed class Rig : IDisposable
    {
        private readonly TestNetwork _net = new();

        public Rig(Func<L2tpv3Pseudowire, L2tpv3Pseudowire> configure, bool ipv6, string cookie, bool counter)
        {
            try
            {
                Namespace = _net.Namespace("q");
                if (ipv6)
                {
                    TestNetwork.Exec(Namespace, "ip addr add fd51::1/128 dev lo nodad");
                    TestNetwork.Exec(Namespace, "ip addr add fd51::2/128 dev lo nodad");
                }

                var (qemuCookie, ourCookie) = cookie switch
                {
                    "32" => (0xc0de0001UL, 0xc0de0002UL),
                    "64" => (0xffff_0000_c0de_0001UL, 0x0000_ffff_c0de_0002UL),
                    _ => ((ulong?)null, (ulong?)null),
                };
                Wire = configure(L2tpv3Pseudowire.Mirrored(
                    false, ipv6 ? "fd51::1" : "127.0.0.1", ipv6 ? "fd51::2" : "127.0.0.2", 0xabc, 0xdef, qemuCookie, ourCookie, cookie == "64", counter));
                Qemu = new QemuNetdevPeer();
                var local = Qemu.SocketPath("qemu.sock");
                var remote = Qemu.SocketPath("ours.sock");

                // Unix sockets with file names are shared across network namespaces: our unix end stays outside.
                Qemu.Start(Namespace, Wire.QemuNetdev(), $"dgram,local.type=unix,local.path={local},remote.type=unix,remote.path={remote}");
                Tunnel = TestNetwork.Open(Namespace, Wire.OurSpec());
                Unix = TransportRegistry.Open($"transport=unix,src={remote},dst={local}");
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public string Namespace { get; } = string.Empty;
        public L2tpv3Pseudowire Wire { get; } = null!;
        public QemuNetdevPeer Qemu { get; } = null!;
        public VectorTransport Tunnel { get; } = null!;
        public VectorTransport Unix { get; } = null!;

        public string Describe() =>
            $"ours: {Wire.OurSpec()}; tunnel tx={Tunnel.Statistics.TxPackets} rx={Tunnel.Statistics.RxPackets} drops {Tunnel.Statistics.Snapshot().DescribeDrops()} errors={Tunnel.Statistics.Errors}; " +
            $"{Qemu}; {Qemu.DescribeSockets()}; QEMU stderr: {Qemu.Stderr}";

        public void Dispose()
        {
            Unix?.Dispose();
            Tunnel?.Dispose();
            Qemu?.Dispose();
            _net.Dispose();
        }
    }

    [QemuNamespaceTheory]
    [InlineData(false, "none", false)]
    [InlineData(false, "32", true)]
    [InlineData(false, "64", true)]
    [InlineData(true, "none", true)]
    [InlineData(true, "32", false)]
    [InlineData(true, "64", true)]
    public void Frames_cross_both_ways_byte_for_byte_over_protocol_115(bool ipv6, string cookie, bool counter)
    {
        using var rig = new Rig(w => w, ipv6, cookie, counter);
        var ours = Traffic.Frames(16, 1000);
        var theirs = Traffic.Frames(16, 2000);

        TestFrames.Send(rig.Tunnel, ours);
        Traffic.AssertFrames(ours, TestFrames.Receive(rig.Unix, 16), rig.Describe);
        TestFrames.Send(rig.Unix, theirs);
        Traffic.AssertFrames(theirs, TestFrames.Receive(rig.Tunnel, 16), rig.Describe);

        Assert.Equal("0", rig.Tunnel.Statistics.Snapshot().DescribeDrops());
        Assert.Equal(0, rig.Tunnel.Statistics.Errors);
        Assert.DoesNotContain("l2tpv3 header verification failed", rig.Qemu.Stderr, StringComparison.Ordinal);
    }

    [QemuNamespaceTheory]
    [InlineData(false, DropReason.Session, "session mismatch")]
    [InlineData(false, DropReason.Cookie, "unknown cookie id")]
    [InlineData(true, DropReason.Session, "session mismatch")]
    [InlineData(true, DropReason.Cookie, "unknown cookie id")]
    public void A_wrong_session_or_cookie_is_dropped_by_reason_on_both_sides(bool ipv6, DropReason reason, string qemuSays)
    {
        using var rig = new Rig(
            w => reason == DropReason.Session
                ? w with { OurRxSession = w.OurRxSession + 1, OurTxSession = w.OurTxSession + 1 }
                : w with { OurRxCookie = w.OurRxCookie + 1, OurTxCookie = w.OurTxCookie + 1 },
            ipv6, "32", counter: true);

        TestFrames.Send(rig.Unix, Traffic.Frames(3, 500));
        Assert.Empty(TestFrames.ReceiveUntil(rig.Tunnel, () => rig.Tunnel.Statistics.TotalDrops >= 3));
        Assert.Equal($"{DropReasons.Name(reason)}=3", rig.Tunnel.Statistics.Snapshot().DescribeDrops());

        TestFrames.Send(rig.Tunnel, Traffic.Frames(3, 600));
        Assert.True(rig.Qemu.WaitForStderr(qemuSays), rig.Qemu.Stderr);
        Assert.Empty(TestFrames.Receive(rig.Unix, 1, 300));
    }
}
