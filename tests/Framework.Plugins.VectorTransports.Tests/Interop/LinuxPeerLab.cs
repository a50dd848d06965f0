using System.Globalization;
using System.Text;
using System.Text.Json;
using Framework.KernelLab;

namespace Framework.Plugins.VectorTransports.Tests.Interop;

/// <summary>
/// One boot of the kernel lab shared by the Linux interop tests (<see cref="LinuxPeerCollection"/>): the
/// guest builds every pseudowire of <see cref="LinuxPseudowires.All"/> between its own kernel (namespace
/// <c>kern</c>) and our bridge service (<c>framework run</c> with one bridge per pseudowire, in namespace
/// <c>ours</c>), captures the veth between them with dumpcap, pings across each pseudowire from both ends
/// (56-byte and full-size 1472-byte payloads, don't-fragment), and leaves everything in /lab. The tests
/// read it on the host, decoding the capture with the host's tshark. Booted on first use only, so a
/// machine without the lab pays nothing for this fixture.
/// </summary>
public sealed class LinuxPeerLab
{
    private const string StatsFile = "/lab/vector-bridges.json";
    private readonly Lazy<Task<LinuxPeerRun>> _run = new(() => Task.Run(BootAsync));

    /// <summary>The boot's results, booting the lab the first time it is asked.</summary>
    internal Task<LinuxPeerRun> RunAsync() => _run.Value;

    private static async Task<LinuxPeerRun> BootAsync()
    {
        var run = new LabRun
        {
            Script = Script(LinuxPseudowires.All),
            Timeout = TimeSpan.FromMinutes(8),
            Files = { ["settings.json"] = Settings(LinuxPseudowires.All) },
        };
        var result = await KernelLab.KernelLab.RunAsync(run);
        return new LinuxPeerRun(result);
    }

    /// <summary>The host's configuration as an operator would write it: only vector-transports loaded, one
    /// bridge per pseudowire from a tap to the tunnel, counters written to /lab every second.</summary>
    private static string Settings(IReadOnlyList<LinuxPseudowire> pseudowires) => JsonSerializer.Serialize(new
    {
        Host = new { Disabled = new[] { "bpf-runtime", "hwbp-x86", "user-events", "elf2dmp" } },
        Plugins = new Dictionary<string, object>
        {
            ["vector-transports"] = new
            {
                SampleTraffic = new { Enabled = false },
                StatsFile,
                Bridges = pseudowires.Select(p => new { p.Name, A = $"transport=tap,ifname={p.OurTap}", B = p.OurTunnel }).ToArray(),
            },
        },
    });

    private static string Script(IReadOnlyList<LinuxPseudowire> pseudowires)
    {
        var s = new StringBuilder();
        s.AppendLine("""
            set -u
            say() { echo "== $(date +%T) $*"; }
            # wait_for SECONDS COMMAND...: polls every 0.2 s until COMMAND succeeds.
            wait_for() {
              n=$(($1 * 5)); shift
              while [ "$n" -gt 0 ]; do "$@" && return 0; sleep 0.2; n=$((n - 1)); done
              return 1
            }
            say "underlay: namespaces kern and ours, veth uk <-> uo (MTU 1600: full-size frames plus encapsulation)"
            ip netns add kern || exit 20
            ip netns add ours || exit 20
            ip link add uk netns kern mtu 1600 type veth peer name uo netns ours mtu 1600 || exit 21
            for ns in kern ours; do ip -n $ns link set lo up || exit 21; done
            ip -n kern link set uk up && ip -n ours link set uo up || exit 21
            # Checksums on the wire as a NIC would put them there: with transmit offload a veth hands the
            # peer namespace packets whose checksums (the kernel's GRE csum, our UDP's) were never filled in.
            ip netns exec kern ethtool -K uk tx off > /lab/ethtool.txt 2>&1 && ip netns exec ours ethtool -K uo tx off >> /lab/ethtool.txt 2>&1 || { cat /lab/ethtool.txt; exit 21; }
            """);
        // One ip process per namespace (-batch): under TCG every process start costs.
        foreach (var (ns, device, host) in new[] { ("kern", "uk", 1), ("ours", "uo", 2) })
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"ip -n {ns} -batch - <<'EOF' || exit 21");
            foreach (var p in pseudowires)
            {
                var (prefix, options) = p.Ipv6 ? ("/64", " nodad") : ("/24", string.Empty);
                s.AppendLine(CultureInfo.InvariantCulture, $"addr add {LinuxPseudowire.Underlay(p.Ipv6, p.Number, host)}{prefix} dev {device}{options}");
            }

            s.AppendLine("EOF");
        }

        s.AppendLine("""
            ip netns exec kern dumpcap -i uk -P -w /lab/underlay.pcap > /lab/dumpcap.log 2>&1 &
            dumpcap=$!
            wait_for 60 grep -q "Capturing on" /lab/dumpcap.log || { cat /lab/dumpcap.log; exit 22; }
            say "the kernel's ends"
            """);
        foreach (var p in pseudowires)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"mkdir -p /lab/{p.Name}");
            s.AppendLine("(");
            s.AppendLine("  set -ex");
            foreach (var command in p.KernelCommands)
            {
                s.AppendLine(CultureInfo.InvariantCulture, $"  ip -n kern {command}");
            }

            s.AppendLine(CultureInfo.InvariantCulture, $"  ip -n kern link set {p.KernelDevice} mtu 1500 up");
            s.AppendLine(CultureInfo.InvariantCulture, $"  ip -n kern addr add {p.KernelOverlay}/24 dev {p.KernelDevice}");
            s.AppendLine(CultureInfo.InvariantCulture, $") > /lab/{p.Name}/kernel-setup.txt 2>&1; echo $? > /lab/{p.Name}/kernel-setup.exit");
        }

        s.AppendLine(CultureInfo.InvariantCulture, $$"""
            say "our ends: the bridge service in namespace ours"
            ip netns exec ours dotnet "$FRAMEWORK_DLL" --settings /lab/settings.json run > /lab/framework.log 2>&1 &
            framework=$!
            forwarding() { [ "$(grep -c '"State": "Forwarding"' {{StatsFile}} 2>/dev/null)" = "{{pseudowires.Count}}" ]; }
            # A faulted plugin leaves `run` running: stop waiting as soon as the log says so.
            forwarding_or_gone() { forwarding || ! kill -0 $framework 2>/dev/null || grep -q "is faulted" /lab/framework.log; }
            wait_for 300 forwarding_or_gone
            if ! forwarding; then say "the bridges are not all forwarding"; cat /lab/framework.log; cat {{StatsFile}}; kill $framework; exit 23; fi
            say "forwarding"
            """);
        foreach (var p in pseudowires)
        {
            s.AppendLine(CultureInfo.InvariantCulture,
                $"(set -ex; ip -n ours link set {p.OurTap} mtu 1500 up; ip -n ours addr add {p.OurOverlay}/24 dev {p.OurTap}) > /lab/{p.Name}/ours-setup.txt 2>&1; echo $? > /lab/{p.Name}/ours-setup.exit");
        }

        // The pseudowires' pings run side by side (each pseudowire's one after another): they mostly wait.
        s.AppendLine("say \"pings\"");
        s.AppendLine("pings=");
        foreach (var p in pseudowires)
        {
            var count = p.Connects ? LinuxPeerRun.Pings : 2;
            s.AppendLine("(");
            s.AppendLine(CultureInfo.InvariantCulture, $"  ip netns exec kern ping -n -c {count} -i 0.5 -W 5 {p.OurOverlay} > /lab/{p.Name}/ping-from-kernel.txt 2>&1");
            s.AppendLine(CultureInfo.InvariantCulture, $"  ip netns exec ours ping -n -c {count} -i 0.5 -W 5 {p.KernelOverlay} > /lab/{p.Name}/ping-from-ours.txt 2>&1");
            if (p.Connects)
            {
                s.AppendLine(CultureInfo.InvariantCulture, $"  ip netns exec kern ping -n -c {LinuxPeerRun.FullSizePings} -i 0.5 -W 5 -s 1472 -M do {p.OurOverlay} > /lab/{p.Name}/ping-full-size-from-kernel.txt 2>&1");
                s.AppendLine(CultureInfo.InvariantCulture, $"  ip netns exec ours ping -n -c {LinuxPeerRun.FullSizePings} -i 0.5 -W 5 -s 1472 -M do {p.KernelOverlay} > /lab/{p.Name}/ping-full-size-from-ours.txt 2>&1");
            }

            s.AppendLine(") &");
            s.AppendLine("pings=\"$pings $!\"");
        }

        s.AppendLine("for p in $pings; do wait $p; done");
        s.AppendLine("say \"pinged\"");

        s.AppendLine("""
            say "stopping"
            sleep 1.5
            kill -TERM $framework
            wait $framework
            echo $? > /lab/framework.exit
            """);

        // The kernel's counters once ours has stopped sending, so that they hold everything ours sent.
        foreach (var p in pseudowires)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"ip -n kern -j -s -s link show dev {p.KernelDevice} > /lab/{p.Name}/kernel-link.json 2>&1");
            s.AppendLine(CultureInfo.InvariantCulture, $"ip -n kern -d -s link show dev {p.KernelDevice} >> /lab/{p.Name}/kernel-setup.txt 2>&1");
        }

        s.AppendLine("""
            ip -n kern l2tp show tunnel > /lab/kernel-l2tp.txt 2>&1
            ip -n kern l2tp show session >> /lab/kernel-l2tp.txt 2>&1
            kill -INT $dumpcap
            wait $dumpcap
            say "done"
            exit 0
            """);
        return s.ToString();
    }
}
