using System.Globalization;
using Framework.Plugins.VectorTransports.Capture;
using Framework.Plugins.VectorTransports.Tests.Namespaces;
using Framework.Plugins.VectorTransports.Wire.Segmentation;
using static Framework.Plugins.VectorTransports.Tests.Wire.SuperFrames;

namespace Framework.Plugins.VectorTransports.Tests.Wire;

/// <summary>Segments decoded by Wireshark's dissectors with checksum validation on: a second, independent judge.</summary>
public sealed class SegmentationTsharkTests
{
    private const string Good = "1";

    [TsharkInstalledFact]
    public void Tshark_finds_every_IPv4_TCP_and_UDP_checksum_good()
    {
        var segments = new List<byte[]>();
        segments.AddRange(Segment(Tcp(false, Payload(10_000, 1), vlan: true, flags: Ack | Psh | Fin), Offload(SegmentationType.TcpV4, 1448)));
        segments.AddRange(Segment(Udp(false, Payload(5000, 2)), Offload(SegmentationType.UdpL4, 1200)));
        var rows = Decode(segments, "ip.checksum.status tcp.checksum.status udp.checksum.status tcp.seq_raw tcp.flags.str udp.length");
        Assert.Equal(7 + 5, rows.Count);
        Assert.All(rows, r => Assert.Equal(Good, r[0]));
        Assert.All(rows.Take(7), r => Assert.Equal(Good, r[1]));
        Assert.Equal(Enumerable.Range(0, 7).Select(i => (0xfffff000u + (uint)(i * 1448)).ToString(CultureInfo.InvariantCulture)), rows.Take(7).Select(r => r[3]));
        Assert.All(rows.Take(6), r => Assert.Equal("·······A····", r[4]));
        Assert.Equal("·······AP··F", rows[6][4]);
        Assert.All(rows.Skip(7), r => Assert.Equal(Good, r[2]));
        Assert.Equal(["1208", "1208", "1208", "1208", "208"], rows.Skip(7).Select(r => r[5]));
    }

    [TsharkInstalledFact]
    public void Tshark_finds_every_IPv6_TCP_and_UDP_checksum_good()
    {
        var segments = new List<byte[]>();
        segments.AddRange(Segment(Tcp(true, Payload(4000, 3)), Offload(SegmentationType.TcpV6, 1000)));
        segments.AddRange(Segment(Udp(true, Payload(3000, 4), vlan: true), Offload(SegmentationType.UdpL4, 1000)));
        var rows = Decode(segments, "ipv6.plen tcp.checksum.status udp.checksum.status");
        Assert.Equal(4 + 3, rows.Count);
        Assert.All(rows.Take(4), r => Assert.Equal(Good, r[1]));
        Assert.All(rows.Skip(4), r => Assert.Equal(Good, r[2]));
        Assert.Equal(["1032", "1032", "1032", "1032", "1008", "1008", "1008"], rows.Select(r => r[0]));
    }

    [TsharkInstalledFact]
    public void Tshark_reassembles_UFO_fragments_into_a_datagram_whose_checksum_is_good()
    {
        var segments = Segment(Udp(false, Payload(4000, 5)), Offload(SegmentationType.Udp, 1480));
        var rows = Decode(segments, "ip.checksum.status ip.flags.mf ip.frag_offset udp.checksum.status udp.length");
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal(Good, r[0]));
        Assert.Equal(["1", "1", "0"], rows.Select(r => r[1]));
        Assert.Equal(["0", "185", "370"], rows.Select(r => r[2])); // in 8-byte units, as on the wire
        Assert.Equal(Good, rows[2][3]);
        Assert.Equal("4008", rows[2][4]);
    }

    private static List<string[]> Decode(IEnumerable<byte[]> frames, string fields)
    {
        var file = Path.Combine(Path.GetTempPath(), $"fwvt-gso-{Guid.NewGuid():n}.pcap");
        try
        {
            File.WriteAllBytes(file, PcapReader.Write(frames));
            var options = "-o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o ip.defragment:TRUE";
            var args = $"-r {file} {options} -T fields -E separator=/t " + string.Join(" ", fields.Split(' ').Select(f => $"-e {f}"));
            var (exit, stdout, stderr) = Host.Run("tshark", args);
            Assert.True(exit == 0, $"tshark {args}: {stderr}");
            return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
        }
        finally
        {
            File.Delete(file);
        }
    }
}
