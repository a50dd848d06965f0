using Framework.Plugins.VectorTransports.Wire;
using static Framework.Plugins.VectorTransports.Tests.Namespaces.NamespaceHelpers;

namespace Framework.Plugins.VectorTransports.Tests.Namespaces;

/// <summary>gre and l2tpv3 between two namespaces joined by a veth pair, the wire checked with tshark.</summary>
public sealed class TunnelTransportTests
{
    private static (TestNetwork Net, string A, string B) Underlay()
    {
        var net = new TestNetwork();
        try
        {
            var a = net.Namespace("a");
            var b = net.Namespace("b");
            net.Veth(a, "va", b, "vb", "10.77.0.1/24", "10.77.0.2/24", "fd77::1/64", "fd77::2/64");
            return (net, a, b);
        }
        catch
        {
            net.Dispose();
            throw;
        }
    }

    private static byte[][] Frames(int count, int size = 100) => Enumerable.Range(1, count).Select(i => TestFrames.Ethernet(size, i)).ToArray();

    [TsharkFact]
    public void Gre_over_IPv4_with_key_and_sequence_carries_frames_both_ways()
    {
        var (net, a, b) = Underlay();
        using (net)
        {
            using var capture = Capture.Start(b, "vb", "ip proto 47 and src host 10.77.0.1", 5);
            using var ta = TestNetwork.Open(a, "transport=gre,src=10.77.0.1,dst=10.77.0.2,rx_key=0x22,tx_key=0x11,sequence=1");
            using var tb = TestNetwork.Open(b, "transport=gre,src=10.77.0.2,dst=10.77.0.1,rx_key=0x11,tx_key=0x22,sequence=1");
            SendAll(ta, Frames(5));
            Assert.Equal(Frames(5), ReceiveTestFrames(tb, 5));
            SendAll(tb, Frames(2, 1514));
            Assert.Equal(Frames(2, 1514), ReceiveTestFrames(ta, 2));

            var rows = capture.Decode("gre.flags.key gre.flags.sequence_number gre.key gre.sequence_number gre.proto eth.type");
            Assert.Equal(5, rows.Count);
            Assert.All(rows, r => Assert.Equal(["1", "1", "0x00000011"], r[..3]));
            Assert.Equal(["1", "2", "3", "4", "5"], rows.Select(r => r[3]));
            Assert.All(rows, r => Assert.Equal("0x6558", r[4]));
            Assert.All(rows, r => Assert.EndsWith("0x88b5", r[5], StringComparison.Ordinal));
        }
    }

    [TsharkFact]
    public void Gre_with_checksums_carries_frames_both_ways_and_tshark_finds_every_checksum_good()
    {
        var (net, a, b) = Underlay();
        using (net)
        {
            using var capture = Capture.Start(b, "vb", "ip proto 47 and src host 10.77.0.1", 4);
            using var ta = TestNetwork.Open(a, "transport=gre,src=10.77.0.1,dst=10.77.0.2,rx_key=3,tx_key=3,sequence=1,checksum=1");
            using var tb = TestNetwork.Open(b, "transport=gre,src=10.77.0.2,dst=10.77.0.1,rx_key=3,tx_key=3,sequence=1,checksum=1");
            var frames = new[] { TestFrames.Ethernet(60, 1), TestFrames.Ethernet(61, 2), TestFrames.Ethernet(1400, 3), TestFrames.Ethernet(777, 4) };
            SendAll(ta, frames);
            Assert.Equal(frames, ReceiveTestFrames(tb, 4));
            SendAll(tb, frames[..2]);
            Assert.Equal(frames[..2], ReceiveTestFrames(ta, 2));

            var rows = capture.Decode("gre.flags.checksum gre.checksum.status gre.key gre.sequence_number");
            Assert.Equal(4, rows.Count);
            Assert.All(rows, r => Assert.Equal(["1", "1", "0x00000003"], r[..3])); // checksum status 1 is "good"
            Assert.Equal(["1", "2", "3", "4"], rows.Select(r => r[3]));
        }
    }

    [TsharkFact]
    public void Gre_over_IPv6_without_key()
    {
        var (net, a, b) = Underlay();
        using (net)
        {
            using var capture = Capture.Start(b, "vb", "ip6 proto 47", 3);
            using var ta = TestNetwork.Open(a, "transport=gre,src=fd77::1,dst=fd77::2,v6=1");
            using var tb = TestNetwork.Open(b, "transport=gre,src=fd77::2,dst=fd77::1");
            SendAll(ta, Frames(3));
            Assert.Equal(Frames(3), ReceiveTestFrames(tb, 3));
            var rows = capture.Decode("gre.flags.key gre.proto ipv6.src");
            Assert.All(rows, r => Assert.Equal(["0", "0x6558", "fd77::1"], r));
        }
    }

    [NamespaceFact]
    public void Gre_drops_wrong_keys_wrong_headers_and_replayed_sequence_numbers_by_reason()
    {
        var (net, a, b) = Underlay();
        using (net)
        {
            using var tb = TestNetwork.Open(b, "transport=gre,src=10.77.0.2,dst=10.77.0.1,rx_key=1,tx_key=1,sequence=1");
            using (var wrongKey = TestNetwork.Open(a, "transport=gre,src=10.77.0.1,dst=10.77.0.2,rx_key=9,tx_key=9,sequence=1"))
            {
                SendAll(wrongKey, Frames(2));
            }

            using (var noSequence = TestNetwork.Open(a, "transport=gre,src=10.77.0.1,dst=10.77.0.2,rx_key=1,tx_key=1"))
            {
                SendAll(noSequence, Frames(1));
            }

            using (var good = TestNetwork.Open(a, "transport=gre,src=10.77.0.1,dst=10.77.0.2,rx_key=1,tx_key=1,sequence=1"))
            {
                SendAll(good, Frames(3));
            }

            using (var replay = TestNetwork.Open(a, "transport=gre,src=10.77.0.1,dst=10.77.0.2,rx_key=1,tx_key=1,sequence=1"))
            {
                SendAll(replay, Frames(2));
            }

            Assert.Equal(3, ReceiveTestFrames(tb, 4, 1500).Count);
            Assert.Equal(2, tb.Statistics.Drops(DropReason.Key));
            Assert.Equal(1, tb.Statistics.Drops(DropReason.Header));
            Assert.Equal(2, tb.Statistics.Drops(DropReason.Sequence));
        }
    }

    [TsharkFact]
    public void L2tpv3_over_IPv4_with_32_bit_cookie_and_counter()
    {
        var (net, a, b) = Underlay();
        using (net)
        {
            using var capture = Capture.Start(b, "vb", "ip proto 115 and src host 10.77.0.1", 4);
            using var ta = TestNetwork.Open(a, "transport=l2tpv3,src=10.77.0.1,dst=10.77.0.2,rx_session=0x200,tx_session=0x100,rx_cookie=0xbbbb,tx_cookie=0xaaaa,counter=1");
            using var tb = TestNetwork.Open(b, "transport=l2tpv3,src=10.77.0.2,dst=10.77.0.1,rx_session=0x100,tx_session=0x200,rx_cookie=0xaaaa,tx_cookie=0xbbbb,counter=1");
            SendAll(ta, Frames(4));
            Assert.Equal(Frames(4), ReceiveTestFrames(tb, 4));
            SendAll(tb, Frames(1));
            Assert.Single(ReceiveTestFrames(ta, 1));
            var rows = capture.Decode("l2tp.sid l2tp.cookie l2tp.l2_spec_sequence", "-o \"l2tp.cookie_size:4 Byte Cookie\" -o \"l2tp.l2_specific:Default L2-Specific\"");
            Assert.Equal(4, rows.Count);
            Assert.All(rows, r => Assert.Equal("0x00000100", r[0]));
            Assert.All(rows, r => Assert.Equal("0000aaaa", r[1].Replace(":", string.Empty, StringComparison.Ordinal)));
            Assert.Equal(["1", "2", "3", "4"], rows.Select(r => r[2]));
        }
    }

    [TsharkFact]
    public void L2tpv3_over_UDP_IPv6_with_64_bit_cookie()
    {
        var (net, a, b) = Underlay();
        using (net)
        {
            using var capture = Capture.Start(b, "vb", "ip6 and udp and src host fd77::1", 3);
            using var ta = TestNetwork.Open(a, "transport=l2tpv3,udp=1,v6=1,src=fd77::1,dst=fd77::2,srcport=1701,dstport=1701,rx_session=7,tx_session=8,cookie64=1,rx_cookie=0x1122334455667788,tx_cookie=0x8877665544332211");
            using var tb = TestNetwork.Open(b, "transport=l2tpv3,udp=1,src=fd77::2,dst=fd77::1,srcport=1701,dstport=1701,rx_session=8,tx_session=7,cookie64=1,rx_cookie=0x8877665544332211,tx_cookie=0x1122334455667788");
            SendAll(ta, Frames(3, 300));
            Assert.Equal(Frames(3, 300), ReceiveTestFrames(tb, 3));
            var rows = capture.Decode("l2tp.version l2tp.sid l2tp.cookie udp.dstport", "-o \"l2tp.cookie_size:8 Byte Cookie\" -o \"l2tp.l2_specific:None\"");
            Assert.Equal(3, rows.Count);
            Assert.All(rows, r => Assert.Equal("3", r[0]));
            Assert.All(rows, r => Assert.Equal("0x00000008", r[1]));
            Assert.All(rows, r => Assert.Equal("8877665544332211", r[2].Replace(":", string.Empty, StringComparison.Ordinal)));
        }
    }

    [NamespaceFact]
    public void L2tpv3_over_UDP_IPv4_drops_wrong_sessions_cookies_and_old_counters_by_reason()
    {
        var (net, a, b) = Underlay();
        using (net)
        {
            const string B = "transport=l2tpv3,udp=1,src=10.77.0.2,dst=10.77.0.1,srcport=1701,dstport=1701,rx_session=5,tx_session=5,rx_cookie=7,tx_cookie=7,counter=1";
            using var tb = TestNetwork.Open(b, B);
            void From(string spec, int count)
            {
                using var t = TestNetwork.Open(a, spec);
                SendAll(t, Frames(count));
            }

            const string Base = "transport=l2tpv3,udp=1,src=10.77.0.1,dst=10.77.0.2,srcport=1701,dstport=1701,counter=1,";
            From(Base + "rx_session=5,tx_session=6,rx_cookie=7,tx_cookie=7", 2);
            From(Base + "rx_session=5,tx_session=5,rx_cookie=7,tx_cookie=8", 1);
            From(Base + "rx_session=5,tx_session=5,rx_cookie=7,tx_cookie=7", 3);
            From(Base + "rx_session=5,tx_session=5,rx_cookie=7,tx_cookie=7", 1);
            Assert.Equal(3, ReceiveTestFrames(tb, 4, 1500).Count);
            Assert.Equal(2, tb.Statistics.Drops(DropReason.Session));
            Assert.Equal(1, tb.Statistics.Drops(DropReason.Cookie));
            Assert.Equal(1, tb.Statistics.Drops(DropReason.Sequence));
        }
    }

    [NamespaceFact]
    public void L2tpv3_over_IPv6_protocol_115_without_cookie()
    {
        var (net, a, b) = Underlay();
        using (net)
        {
            using var ta = TestNetwork.Open(a, "transport=l2tpv3,src=fd77::1,dst=fd77::2,rx_session=0xffffffff,tx_session=0xffff");
            using var tb = TestNetwork.Open(b, "transport=l2tpv3,v6=1,src=fd77::2,dst=fd77::1,rx_session=0xffff,tx_session=0xffffffff");
            SendAll(ta, Frames(3));
            Assert.Equal(Frames(3), ReceiveTestFrames(tb, 3));
            SendAll(tb, Frames(2, 1000));
            Assert.Equal(Frames(2, 1000), ReceiveTestFrames(ta, 2));
        }
    }
}
