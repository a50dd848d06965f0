using Framework.Host.Isolation.Parent;
using Framework.Tests.Shared;

namespace Framework.Host.Tests.Isolation;

/// <summary>A child holds exactly what its plugin declares: checked through what the kernel allows
/// (a raw socket needs CAP_NET_RAW, a bpf(2) map CAP_BPF) and through the child's own status.</summary>
public sealed class CapabilityConfinementTests : IDisposable
{
    private const ulong NetRaw = 1UL << 13;
    private const ulong Bpf = 1UL << 39;

    private readonly PluginSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    public static TheoryData<string[], string, string, ulong> Declarations => new()
    {
        { ["CAP_NET_RAW"], "ok", "EPERM", NetRaw },
        { ["CAP_BPF"], "EPERM", "ok", Bpf },
        { [], "EPERM", "EPERM", 0 },
    };

    [ConfinementTheory]
    [MemberData(nameof(Declarations))]
    public async Task A_child_can_do_what_its_plugin_declares_and_nothing_else(string[] declared, string rawSocket, string bpfMap, ulong mask)
    {
        await using var child = await ProbeChild.StartAsync(ProbeChild.AddProbe(_sandbox, "probe", declared));

        Assert.Equal(rawSocket, (await ProbeChild.RunAsync(child, "probe raw-socket")).Output);
        Assert.Equal(bpfMap, (await ProbeChild.RunAsync(child, "probe bpf-map")).Output);
        Assert.Equal(mask.ToString("x16", System.Globalization.CultureInfo.InvariantCulture), child.Hello.Capabilities["CapEff"]);
        Assert.Equal(mask.ToString("x16", System.Globalization.CultureInfo.InvariantCulture), child.Hello.Capabilities["CapPrm"]);
        Assert.Equal(mask.ToString("x16", System.Globalization.CultureInfo.InvariantCulture), child.Hello.Capabilities["CapBnd"]);
        Assert.Equal("1", child.Hello.Capabilities["NoNewPrivs"]);
    }

    [ConfinementFact]
    public async Task A_host_without_the_capabilities_in_its_effective_set_still_starts_children_with_their_declared_ones()
    {
        var rawSocketFolder = ProbeChild.AddProbe(_sandbox, "probe-raw", "CAP_NET_RAW");
        var bpfFolder = ProbeChild.AddProbe(_sandbox, "probe-bpf", "CAP_BPF");
        string? hostEffective = null;
        string? hostRawSocket = null;
        Task<PluginHostProcess>? raw = null;
        Task<PluginHostProcess>? bpf = null;

        // Capabilities are per thread and a child inherits the thread that forks it: this thread
        // stands for a host that keeps them permitted only (it never exercises them itself).
        var host = new Thread(() =>
        {
            var (_, permitted, inheritable) = Framework.Host.Native.CapabilitySyscalls.Get();
            Framework.Host.Native.CapabilitySyscalls.Set(0, permitted, inheritable);
            hostEffective = File.ReadLines("/proc/thread-self/status").Single(l => l.StartsWith("CapEff:", StringComparison.Ordinal)).Split('\t')[1];
            try
            {
                using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Raw, System.Net.Sockets.ProtocolType.Icmp);
                hostRawSocket = "ok";
            }
            catch (System.Net.Sockets.SocketException e)
            {
                hostRawSocket = e.SocketErrorCode.ToString();
            }

            // PluginHostProcess.StartAsync starts the child before its first await, on this thread.
            raw = ProbeChild.StartAsync(rawSocketFolder);
            bpf = ProbeChild.StartAsync(bpfFolder);
        });
        host.Start();
        host.Join();

        Assert.Equal("0000000000000000", hostEffective);
        Assert.Equal("AccessDenied", hostRawSocket);
        await using var rawChild = await raw!;
        await using var bpfChild = await bpf!;
        Assert.Equal("ok", (await ProbeChild.RunAsync(rawChild, "probe raw-socket")).Output);
        Assert.Equal("EPERM", (await ProbeChild.RunAsync(rawChild, "probe bpf-map")).Output);
        Assert.Equal(NetRaw.ToString("x16", System.Globalization.CultureInfo.InvariantCulture), rawChild.Hello.Capabilities["CapEff"]);
        Assert.Equal("EPERM", (await ProbeChild.RunAsync(bpfChild, "probe raw-socket")).Output);
        Assert.Equal("ok", (await ProbeChild.RunAsync(bpfChild, "probe bpf-map")).Output);
        Assert.Equal(Bpf.ToString("x16", System.Globalization.CultureInfo.InvariantCulture), bpfChild.Hello.Capabilities["CapBnd"]);
    }

    [LackingCapabilityFact]
    public async Task A_plugin_declaring_a_capability_the_host_lacks_never_runs()
    {
        var lacking = LackingCapabilityFactAttribute.Lacking;
        var e = await Assert.ThrowsAsync<PluginHostUnavailableException>(() => ProbeChild.StartAsync(ProbeChild.AddProbe(_sandbox, "probe", lacking!)));
        Assert.Contains($"the plugin declares {lacking}, which the host process does not hold", e.Message, StringComparison.Ordinal);
        Assert.Contains("exited with code 3", e.Message, StringComparison.Ordinal);
    }
}
