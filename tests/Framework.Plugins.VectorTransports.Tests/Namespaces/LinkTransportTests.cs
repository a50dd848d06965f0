using System.Buffers.Binary;
using Framework.Plugins.VectorTransports.Transports;
using static Framework.Plugins.VectorTransports.Tests.Namespaces.NamespaceHelpers;

namespace Framework.Plugins.VectorTransports.Tests.Namespaces;

/// <summary>raw, tap and hybrid inside namespaces the tests build.</summary>
public sealed class LinkTransportTests
{
    private static readonly byte[] OurMac = [0x02, 0x00, 0x00, 0x00, 0x00, 0xaa];
    private static readonly byte[] PeerMac = [0x02, 0x00, 0x00, 0x00, 0x00, 0xbb];

    private static (TestNetwork Net, string A, string B) Wire()
    {
        var net = new TestNetwork();
        try
        {
            var a = net.Namespace("a");
            var b = net.Namespace("b");
            net.Veth(a, "va", b, "vb");
            return (net, a, b);
        }
        catch
        {
            net.Dispose();
            throw;
        }
    }

    [TsharkFact]
    public void Raw_sockets_on_a_veth_pair_exchange_frames_in_batches()
    {
        var (net, a, b) = Wire();
        using (net)
        {
            using var capture = Capture.Start(b, "vb", "ether proto 0x88b5", 20);
            using var ta = TestNetwork.Open(a, "transport=raw,ifname=va,depth=32,mac=02:00:00:00:00:aa");
            using var tb = TestNetwork.Open(b, "transport=raw,ifname=vb,depth=32,mac=02:00:00:00:00:bb");
            Assert.Contains("qdisc bypass", ta.Description, StringComparison.Ordinal);
            var frames = Enumerable.Range(0, 20).Select(i => TestFrames.Ethernet(60 + (i * 70), i, OurMac, PeerMac)).ToArray();
            SendAll(ta, frames);
            Assert.Equal(frames, ReceiveTestFrames(tb, 20));
            Assert.Equal(20, ta.Statistics.TxPackets);
            var rows = capture.Decode("eth.src eth.dst frame.len");
            Assert.Equal(20, rows.Count);
            Assert.All(rows, r => Assert.Equal(["02:00:00:00:00:aa", "02:00:00:00:00:bb"], r[..2]));
            Assert.Equal(frames.Select(f => f.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)), rows.Select(r => r[2]));
        }
    }

    [NamespaceFact]
    public void The_default_socket_filter_drops_frames_carrying_our_own_MAC()
    {
        var (net, a, b) = Wire();
        using (net)
        {
            using var ta = TestNetwork.Open(a, "transport=raw,ifname=va,mac=02:00:00:00:00:aa");
            using var tb = TestNetwork.Open(b, "transport=raw,ifname=vb,mac=02:00:00:00:00:bb");
            SendAll(tb, [TestFrames.Ethernet(64, 1, source: OurMac), TestFrames.Ethernet(64, 2, source: PeerMac), TestFrames.Ethernet(64, 3, source: [0x02, 0, 0, 0, 0x01, 0xaa])]);
            Assert.Equal([2, 3], ReceiveTestFrames(ta, 3, 1500).Select(f => TestFrames.SeedOf(f)));
        }
    }

    [NamespaceFact]
    public void A_bpffile_replaces_the_default_filter()
    {
        var (net, a, b) = Wire();
        using (net)
        {
            // Accept only frames whose first payload byte is even: ldb [14]; jset #1, drop, keep.
            var file = Path.GetTempFileName();
            try
            {
                File.WriteAllText(file, "4\n48 0 0 14\n69 1 0 1\n6 0 0 262144\n6 0 0 0\n");
                using var ta = TestNetwork.Open(a, $"transport=raw,ifname=va,bpffile={file}");
                using var tb = TestNetwork.Open(b, "transport=raw,ifname=vb");
                SendAll(tb, Enumerable.Range(0, 6).Select(i => TestFrames.Ethernet(64, i)));
                Assert.Equal([0, 2, 4], ReceiveTestFrames(ta, 6, 1500).Select(f => TestFrames.SeedOf(f)));
            }
            finally
            {
                File.Delete(file);
            }
        }
    }

    [NamespaceFact]
    public void Raw_with_gro_uses_virtio_net_headers()
    {
        var (net, a, b) = Wire();
        using (net)
        {
            using var ta = TestNetwork.Open(a, "transport=raw,ifname=va,gro=1");
            using var tb = TestNetwork.Open(b, "transport=raw,ifname=vb,gro=1");
            Assert.Equal(10, ta.Encapsulation.HeaderSize);
            var frames = Enumerable.Range(0, 5).Select(i => TestFrames.Ethernet(1514, i)).ToArray();
            SendAll(ta, frames);
            Assert.Equal(frames, ReceiveTestFrames(tb, 5));
        }
    }

    [NamespaceFact]
    public void A_missing_interface_is_a_typed_error_naming_it()
    {
        using var net = new TestNetwork();
        var a = net.Namespace("a");
        var error = Assert.Throws<Framework.Plugins.VectorTransports.Native.NativeCallException>(() => TestNetwork.Open(a, "transport=raw,ifname=nosuch0"));
        Assert.Contains("nosuch0", error.Message, StringComparison.Ordinal);
    }

    [NamespaceTheory]
    [InlineData(0)]
    [InlineData(1)]
    public void Tap_creates_the_device_and_the_kernel_answers_our_ARP_request(int gro)
    {
        using var net = new TestNetwork();
        var a = net.Namespace("a");
        using var tap = TestNetwork.Open(a, $"transport=tap,ifname=vtap0,depth=16,gro={gro}");
        Assert.Equal(gro == 1 ? 10 : 0, tap.Encapsulation.HeaderSize);
        TestNetwork.Exec(a, "ip addr add 10.80.0.1/24 dev vtap0");
        TestNetwork.Exec(a, "ip link set vtap0 up");
        AskForArp(tap);
        Assert.Contains("lladdr 02:00:00:00:00:bb", TestNetwork.Exec(a, "ip neigh show dev vtap0"), StringComparison.Ordinal);
    }

    [NamespaceTheory]
    [InlineData(0)]
    [InlineData(1)]
    public void Hybrid_writes_into_the_tap_and_reads_with_a_raw_socket(int gro)
    {
        using var net = new TestNetwork();
        var a = net.Namespace("a");
        using var hybrid = TestNetwork.Open(a, $"transport=hybrid,ifname=vhyb0,depth=16,gro={gro}");
        TestNetwork.Exec(a, "ip addr add 10.80.0.1/24 dev vhyb0");
        TestNetwork.Exec(a, "ip link set vhyb0 up");
        AskForArp(hybrid);
    }

    private static void AskForArp(VectorTransport transport)
    {
        // Who has 10.80.0.1? Tell 10.80.0.2 (02:00:00:00:00:bb). The host answers on the device.
        var request = new byte[60];
        request.AsSpan(0, 6).Fill(0xff);
        PeerMac.CopyTo(request, 6);
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(12), 0x0806);
        var arp = request.AsSpan(14);
        BinaryPrimitives.WriteUInt16BigEndian(arp, 1);
        BinaryPrimitives.WriteUInt16BigEndian(arp[2..], 0x0800);
        arp[4] = 6;
        arp[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(arp[6..], 1);
        PeerMac.CopyTo(arp[8..]);
        new byte[] { 10, 80, 0, 2 }.CopyTo(arp[14..]);
        new byte[] { 10, 80, 0, 1 }.CopyTo(arp[24..]);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            Assert.True(transport.Send(request));
            var n = transport.Receive(200);
            for (var i = 0; i < n; i++)
            {
                var frame = transport.Frame(i);
                if (BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) == 0x0806 && BinaryPrimitives.ReadUInt16BigEndian(frame[20..]) == 2)
                {
                    Assert.Equal(PeerMac, frame[..6].ToArray());
                    Assert.Equal(new byte[] { 10, 80, 0, 1 }, frame.Slice(28, 4).ToArray());
                    return;
                }
            }
        }

        Assert.Fail("no ARP reply came back through the transport");
    }
}
