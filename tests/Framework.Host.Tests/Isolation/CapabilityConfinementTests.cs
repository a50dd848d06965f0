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

    [LackingCapabilityFact]
    public async Task A_plugin_declaring_a_capability_the_host_lacks_never_runs()
    {
        var lacking = LackingCapabilityFactAttribute.Lacking;
        var e = await Assert.ThrowsAsync<PluginHostUnavailableException>(() => ProbeChild.StartAsync(ProbeChild.AddProbe(_sandbox, "probe", lacking!)));
        Assert.Contains($"the plugin declares {lacking}, which the host process does not hold", e.Message, StringComparison.Ordinal);
        Assert.Contains("exited with code 3", e.Message, StringComparison.Ordinal);
    }
}
