using Framework.Plugins.VectorTransports.Wire;

namespace Framework.Plugins.VectorTransports.Tests.Interop;

/// <summary>
/// Our l2tpv3 transport against the Linux kernel's own L2TPv3 Ethernet pseudowires (l2tp_eth over l2tp_ip,
/// l2tp_ip6 and UDP, built with <c>ip l2tp</c>), in the kernel lab: pings cross from the kernel's
/// pseudowire device to the tap behind our bridge and back, and tshark reads the session ids, cookies
/// and sublayer each end put on the wire. See <see cref="LinuxPeerLab"/> for the topology.
/// </summary>
[Collection(LinuxPeerCollection.Name)]
[Trait("Category", "KernelLab")]
public sealed class LinuxL2tpv3InteropTests(LinuxPeerLab lab)
{
    // A static pseudowire has no control connection to tell tshark the cookie size, the sublayer or that
    // the payload is Ethernet (pseudowire type 5; unknown sessions are type 0 to tshark): the test says.
    private const string Ethernet = "-d l2tp.pw_type==0,eth";
    private const string EightByteCookies = $"-o \"l2tp.cookie_size:8 Byte Cookie\" -o \"l2tp.l2_specific:None\" {Ethernet}";
    private const string FourByteCookies = $"-o \"l2tp.cookie_size:4 Byte Cookie\" -o \"l2tp.l2_specific:None\" {Ethernet}";
    private const string NoCookieDefaultSublayer = $"-o \"l2tp.cookie_size:None\" -o \"l2tp.l2_specific:Default L2-Specific\" {Ethernet}";
    private const string L2tp = $"l2tp && {LinuxPeerRun.NoIcmpErrors}";
    private const string FourByteCookiesDefaultSublayer = $"-o \"l2tp.cookie_size:4 Byte Cookie\" -o \"l2tp.l2_specific:Default L2-Specific\" {Ethernet}";

    [LinuxPeerFact]
    public async Task Over_IPv4_protocol_115_with_64_bit_cookies_pings_cross_both_ways_with_the_sessions_and_cookies_each_end_expects()
    {
        var run = await lab.RunAsync();
        var wire = LinuxPseudowires.L2tpIp;
        run.AssertConnected(wire);
        AssertHeaders(run, wire, fromKernel: true, "0x00002001", "0011223344556677", EightByteCookies);
        AssertHeaders(run, wire, fromKernel: false, "0x00001001", "8899aabbccddeeff", EightByteCookies);
    }

    [LinuxPeerFact]
    public async Task Over_IPv6_protocol_115_with_32_bit_cookies_pings_cross_both_ways()
    {
        var run = await lab.RunAsync();
        var wire = LinuxPseudowires.L2tpIp6;
        run.AssertConnected(wire);
        AssertHeaders(run, wire, fromKernel: true, "0x00002003", "31323334", FourByteCookies);
        AssertHeaders(run, wire, fromKernel: false, "0x00001003", "41424344", FourByteCookies);
    }

    [LinuxPeerFact]
    public async Task Over_UDP_our_counter_is_read_by_Linux_as_its_default_L2_specific_sublayer_without_sequencing()
    {
        var run = await lab.RunAsync();
        var wire = LinuxPseudowires.L2tpUdp;
        run.AssertConnected(wire);
        AssertHeaders(run, wire, fromKernel: true, "0x00002002", "0a0b0c0d", FourByteCookiesDefaultSublayer);
        AssertHeaders(run, wire, fromKernel: false, "0x00001002", "01020304", FourByteCookiesDefaultSublayer);

        const string Fields = "l2tp.version udp.srcport udp.dstport l2tp.l2_spec_s l2tp.l2_spec_sequence";
        var fromKernel = run.Decode(wire, fromKernel: true, L2tp, Fields, FourByteCookiesDefaultSublayer);
        var fromOurs = run.Decode(wire, fromKernel: false, L2tp, Fields, FourByteCookiesDefaultSublayer);

        // Version 3 data messages, each end sending from its own port to the other's.
        Assert.All(fromKernel, row => Assert.Equal(["3", "1702", "1701"], row[..3]));
        Assert.All(fromOurs, row => Assert.Equal(["3", "1701", "1702"], row[..3]));

        // The kernel (seq none) sends the sublayer as zeros. Ours sends UML's counter there: 1, 2, 3, ... with
        // the S bit clear, which Linux takes as an unsequenced frame and accepts (AssertConnected), and which
        // tshark reads as the sublayer's sequence number field, one more per frame.
        Assert.All(fromKernel, row => Assert.Equal(["0", "0"], row[3..]));
        Assert.All(fromOurs, row => Assert.Equal("0", row[3]));
        Assert.Equal(Enumerable.Range(1, fromOurs.Count).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)), fromOurs.Select(row => row[4]));
    }

    [LinuxPeerFact]
    public async Task Linux_sequencing_needs_the_S_bit_that_UMLs_counter_never_sets_so_only_the_kernels_frames_cross()
    {
        var run = await lab.RunAsync();
        var wire = LinuxPseudowires.L2tpSequenced;
        run.AssertSetUp(wire);

        // The kernel (seq both) numbers its frames with the S bit set; ours takes the whole word as a
        // counter that advances, and accepts every one.
        var fromKernel = run.Decode(wire, fromKernel: true, L2tp, "l2tp.sid l2tp.l2_spec_s l2tp.l2_spec_sequence", NoCookieDefaultSublayer);
        Assert.NotEmpty(fromKernel);
        Assert.All(fromKernel, row => Assert.Equal(["0x00002011", "1"], row[..2]));
        Assert.Equal(Enumerable.Range(0, fromKernel.Count), fromKernel.Select(row => int.Parse(row[2], System.Globalization.CultureInfo.InvariantCulture)).Order());
        var counters = run.Bridge(wire).B.Counters;
        Assert.True(counters.RxPackets > 0 && counters.TotalDrops == 0, $"ours rx {counters.RxPackets}, drops {counters.DescribeDrops()}: {run.Context(wire)}");

        // Ours' counter 1, 2, 3 ... has the S bit clear: an unsequenced frame, which a session that requires
        // sequence numbers discards. Nothing reaches the kernel's l2tpeth, so no ping gets an answer.
        var fromOurs = run.Decode(wire, fromKernel: false, L2tp, "l2tp.sid l2tp.l2_spec_s", NoCookieDefaultSublayer);
        Assert.NotEmpty(fromOurs);
        Assert.All(fromOurs, row => Assert.Equal(["0x00001011", "0"], row));
        Assert.Equal(0, run.KernelCounter(wire, "rx", "packets"));
        Assert.Equal(0, run.Replies(wire, "ping-from-kernel"));
        Assert.Equal(0, run.Replies(wire, "ping-from-ours"));
    }

    [LinuxPeerFact]
    public async Task A_cookie_that_is_not_the_expected_one_is_dropped_by_both_ends()
    {
        var run = await lab.RunAsync();
        var wire = LinuxPseudowires.L2tpWrongCookie;
        run.AssertNothingCrossed(wire);

        // Both ends sent (the frames are on the wire with the cookies they were configured with) ...
        var fromKernel = run.Decode(wire, fromKernel: true, L2tp, "l2tp.sid l2tp.cookie", FourByteCookies);
        var fromOurs = run.Decode(wire, fromKernel: false, L2tp, "l2tp.sid l2tp.cookie", FourByteCookies);
        Assert.NotEmpty(fromKernel);
        Assert.NotEmpty(fromOurs);
        Assert.All(fromKernel, row => Assert.Equal(["0x00002004", "11111111"], Normalized(row)));
        Assert.All(fromOurs, row => Assert.Equal(["0x00001004", "22222223"], Normalized(row)));

        // ... and each end dropped what the other sent: ours by reason cookie (nothing else), the kernel
        // without passing a frame to its l2tpeth device (AssertNothingCrossed).
        var counters = run.Bridge(wire).B.Counters;
        Assert.InRange(counters.DropsOf(DropReason.Cookie), 1, fromKernel.Count);
        Assert.Equal(counters.DropsOf(DropReason.Cookie), counters.TotalDrops);
        Assert.Equal(fromOurs.Count, counters.TxPackets);
    }

    // Every frame one end sent on the pseudowire carries the session and cookie the other end expects,
    // and the Ethernet frames inside are the pings of both directions (echo requests and replies).
    private static void AssertHeaders(LinuxPeerRun run, LinuxPseudowire wire, bool fromKernel, string session, string cookie, string options)
    {
        var rows = run.Decode(wire, fromKernel, L2tp, "l2tp.sid l2tp.cookie icmp.type", options);
        Assert.True(rows.Count >= (2 * LinuxPeerRun.Pings) + 2, $"{rows.Count} L2TPv3 packets from {(fromKernel ? "the kernel" : "ours")}: {run.Context(wire)}");
        Assert.All(rows, row => Assert.Equal([session, cookie], Normalized(row)[..2]));
        var icmp = rows.Select(row => row[2]).Where(type => type.Length > 0).ToHashSet();
        Assert.Superset(new HashSet<string> { "0", "8" }, icmp);
    }

    // tshark prints byte fields with or without colons depending on its version.
    private static string[] Normalized(string[] row) => row.Select(field => field.Replace(":", string.Empty, StringComparison.Ordinal)).ToArray();
}
