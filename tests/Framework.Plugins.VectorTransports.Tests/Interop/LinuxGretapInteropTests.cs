using System.Globalization;
using Framework.Plugins.VectorTransports.Wire;

namespace Framework.Plugins.VectorTransports.Tests.Interop;

/// <summary>
/// Our gre transport against the Linux kernel's own gretap and ip6gretap devices (<c>ip link add ... type
/// gretap</c>), in the kernel lab: pings cross from the kernel's device to the tap behind our bridge and
/// back, and tshark reads the GRE flags, keys and sequence numbers each end put on the wire. See
/// <see cref="LinuxPeerLab"/> for the topology.
/// </summary>
[Collection(LinuxPeerCollection.Name)]
[Trait("Category", "KernelLab")]
public sealed class LinuxGretapInteropTests(LinuxPeerLab lab)
{
    // The GRE packets of a pseudowire, without the ICMP errors that quote them: the namespace of ours has
    // no gretap of its own, so its kernel answers every GRE packet from the kernel's end with an ICMP port
    // unreachable, which our raw socket (protocol 47) never sees.
    private const string Gre = $"gre && {LinuxPeerRun.NoIcmpErrors}";
    private const string HeaderFields = "gre.flags.checksum gre.flags.key gre.flags.sequence_number gre.proto gre.key gre.sequence_number icmp.type gre.checksum.status";

    [LinuxPeerFact]
    public async Task Gretap_with_a_different_key_each_way_pings_cross_both_ways()
    {
        var run = await lab.RunAsync();
        var wire = LinuxPseudowires.GretapKey;
        run.AssertConnected(wire);
        AssertHeaders(run, wire, fromKernel: true, "0xa5a50005", sequence: false, checksum: false);
        AssertHeaders(run, wire, fromKernel: false, "0x5a5a0005", sequence: false, checksum: false);
    }

    [LinuxPeerFact]
    public async Task Gretap_with_key_and_sequence_numbers_pings_cross_both_ways_and_each_end_numbers_its_packets_without_a_gap()
    {
        var run = await lab.RunAsync();
        var wire = LinuxPseudowires.GretapSequence;

        // The kernel's gretap with iseq drops a packet whose number is not newer (rx_fifo_errors, which
        // AssertConnected finds among rx errors): every one of ours was in order.
        run.AssertConnected(wire);
        AssertNumberedWithoutGaps(run, wire, "0x00000600", checksum: false);
    }

    [LinuxPeerFact]
    public async Task Gretap_with_checksums_key_and_sequence_numbers_pings_cross_both_ways_and_each_end_verifies_the_others_checksums()
    {
        var run = await lab.RunAsync();
        var wire = LinuxPseudowires.GretapChecksum;

        // The kernel verifies our checksums (a bad one is an rx_crc_error, among the rx errors that
        // AssertConnected requires to be none), ours verifies the kernel's (a bad one is a checksum drop),
        // and tshark finds every checksum on the wire good.
        run.AssertConnected(wire);
        AssertNumberedWithoutGaps(run, wire, "0x00000900", checksum: true);
    }

    [LinuxPeerFact]
    public async Task Ip6gretap_with_a_key_pings_cross_both_ways_through_the_kernels_encapsulation_limit_option()
    {
        var run = await lab.RunAsync();
        var wire = LinuxPseudowires.Ip6gretapKey;
        run.AssertConnected(wire);
        AssertHeaders(run, wire, fromKernel: true, "0x00000700", sequence: false, checksum: false);
        AssertHeaders(run, wire, fromKernel: false, "0x00000700", sequence: false, checksum: false);

        // The kernel puts a destination options header (tunnel encapsulation limit, RFC 2473) between IPv6
        // and GRE; our raw socket gets the GRE header after it. Ours sends none.
        Assert.All(run.Decode(wire, fromKernel: true, Gre, "ipv6.nxt"), row => Assert.StartsWith("60", row[0], StringComparison.Ordinal));
        Assert.All(run.Decode(wire, fromKernel: false, Gre, "ipv6.nxt"), row => Assert.StartsWith("47", row[0], StringComparison.Ordinal));
    }

    [LinuxPeerFact]
    public async Task A_key_that_is_not_the_expected_one_is_dropped_by_both_ends()
    {
        var run = await lab.RunAsync();
        var wire = LinuxPseudowires.GretapWrongKey;
        run.AssertNothingCrossed(wire);

        var fromKernel = run.Decode(wire, fromKernel: true, Gre, "gre.key");
        var fromOurs = run.Decode(wire, fromKernel: false, Gre, "gre.key");
        Assert.NotEmpty(fromKernel);
        Assert.NotEmpty(fromOurs);
        Assert.All(fromKernel, row => Assert.Equal("0x00000801", row[0]));
        Assert.All(fromOurs, row => Assert.Equal("0x00000803", row[0]));

        // Ours drops the kernel's by reason key; the kernel finds no tunnel for ours and says so with an ICMP
        // port unreachable that quotes our packet and its key.
        var counters = run.Bridge(wire).B.Counters;
        Assert.InRange(counters.DropsOf(DropReason.Key), 1, fromKernel.Count);
        Assert.Equal(counters.DropsOf(DropReason.Key), counters.TotalDrops);
        var refusals = run.Decode(wire, fromKernel: true, "icmp.type == 3 && icmp.code == 3 && gre", "gre.key");
        Assert.NotEmpty(refusals);
        Assert.All(refusals, row => Assert.Equal("0x00000803", row[0]));
    }

    [LinuxPeerFact]
    public async Task Checksummed_gretap_and_our_unchecksummed_gre_refuse_each_other_by_reason()
    {
        var run = await lab.RunAsync();
        var wire = LinuxPseudowires.GretapChecksumRefused;
        run.AssertNothingCrossed(wire);

        var fromKernel = run.Decode(wire, fromKernel: true, Gre, "gre.flags.checksum");
        var fromOurs = run.Decode(wire, fromKernel: false, Gre, "gre.flags.checksum");
        Assert.NotEmpty(fromKernel);
        Assert.NotEmpty(fromOurs);
        Assert.All(fromKernel, row => Assert.Equal("1", row[0]));
        Assert.All(fromOurs, row => Assert.Equal("0", row[0]));

        // Ours, configured without checksums (UML's only way), drops a C bit it did not configure as a
        // header it was not told to speak; the kernel, told to expect checksums, counts ours as CRC errors.
        var counters = run.Bridge(wire).B.Counters;
        Assert.InRange(counters.DropsOf(DropReason.Header), 1, fromKernel.Count);
        Assert.Equal(counters.DropsOf(DropReason.Header), counters.TotalDrops);
        Assert.Equal(fromOurs.Count, run.KernelCounter(wire, "rx", "crc_errors"));
    }

    // Every GRE packet one end sent carries Transparent Ethernet Bridging with the flags and key the
    // other end expects, and the Ethernet frames inside are the pings of both directions.
    // With checksums, tshark's verdict on each (gre.checksum.status 1) is "good".
    private static List<string[]> AssertHeaders(LinuxPeerRun run, LinuxPseudowire wire, bool fromKernel, string key, bool sequence, bool checksum)
    {
        var rows = run.Decode(wire, fromKernel, Gre, HeaderFields);
        Assert.True(rows.Count >= (2 * LinuxPeerRun.Pings) + 2, $"{rows.Count} GRE packets from {(fromKernel ? "the kernel" : "ours")}: {run.Context(wire)}");
        Assert.All(rows, row => Assert.Equal([checksum ? "1" : "0", "1", sequence ? "1" : "0", "0x6558", key], row[..5]));
        Assert.All(rows, row => Assert.Equal(checksum ? "1" : string.Empty, row[7]));
        var icmp = rows.Select(row => row[6]).Where(type => type.Length > 0).ToHashSet();
        Assert.Superset(new HashSet<string> { "0", "8" }, icmp);
        return rows;
    }

    // Each end numbers its packets one apart, without a gap; ours starts at 1, as UML's does, and sends
    // them in order (one transmit thread).
    private static void AssertNumberedWithoutGaps(LinuxPeerRun run, LinuxPseudowire wire, string key, bool checksum)
    {
        var fromKernel = AssertHeaders(run, wire, fromKernel: true, key, sequence: true, checksum);
        var fromOurs = AssertHeaders(run, wire, fromKernel: false, key, sequence: true, checksum);
        AssertConsecutive(fromKernel.Select(row => uint.Parse(row[5], CultureInfo.InvariantCulture)).Order().ToList(), run, wire);
        var ours = fromOurs.Select(row => uint.Parse(row[5], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(1u, ours[0]);
        AssertConsecutive(ours, run, wire);
    }

    private static void AssertConsecutive(List<uint> numbers, LinuxPeerRun run, LinuxPseudowire wire)
    {
        for (var i = 1; i < numbers.Count; i++)
        {
            Assert.True(numbers[i] == numbers[i - 1] + 1, $"sequence numbers {string.Join(",", numbers)}: {run.Context(wire)}");
        }
    }
}
