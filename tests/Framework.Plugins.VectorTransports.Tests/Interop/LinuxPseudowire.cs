namespace Framework.Plugins.VectorTransports.Tests.Interop;

/// <summary>
/// One pseudowire between the Linux kernel's own implementation and our bridge service, as the lab guest
/// sets it up: the kernel's end in network namespace <c>kern</c> (configured with <see cref="KernelCommands"/>,
/// arguments of <c>ip -n kern</c>), ours in namespace <c>ours</c> (a bridge from a tap device to
/// <see cref="OurTunnel"/>), the two joined by one veth pair. Pseudowire <see cref="Number"/> n has its
/// own underlay addresses (10.90.n.1 kernel, 10.90.n.2 ours, or fd90:n::1 and ::2), so that no raw socket
/// of ours sees another pseudowire's packets, and its own overlay subnet 10.91.n.0/24 (.1 on the kernel's
/// device, .2 on our tap).
/// </summary>
/// <param name="Name">A short name: the bridge's name and the folder of the pseudowire's results in /lab.</param>
/// <param name="Number">n, 1 to 99.</param>
/// <param name="Ipv6">Whether the underlay is IPv6.</param>
/// <param name="KernelDevice">The kernel's pseudowire interface (l2tpeth, gretap or ip6gretap).</param>
/// <param name="KernelCommands">What builds the kernel's end, each the arguments of one <c>ip -n kern</c>.</param>
/// <param name="OurTunnel">Our transport's option string (side B of our bridge; side A is the tap).</param>
/// <param name="Connects">Whether frames are meant to cross (false: a mismatch both ends must drop).</param>
internal sealed record LinuxPseudowire(string Name, int Number, bool Ipv6, string KernelDevice, IReadOnlyList<string> KernelCommands, string OurTunnel, bool Connects)
{
    /// <summary>The kernel's underlay address.</summary>
    public string KernelUnderlay => Underlay(Ipv6, Number, 1);

    /// <summary>Our underlay address.</summary>
    public string OurUnderlay => Underlay(Ipv6, Number, 2);

    /// <summary>The address on the kernel's pseudowire device.</summary>
    public string KernelOverlay => $"10.91.{Number}.1";

    /// <summary>The address on our tap, behind our transport.</summary>
    public string OurOverlay => $"10.91.{Number}.2";

    /// <summary>The tap device our bridge creates.</summary>
    public string OurTap => $"ours{Number}";

    /// <summary>A tshark display filter for the underlay packets the kernel's namespace sent on this pseudowire
    /// (outer header only: an ICMP error quoting the other end's packet does not count as that end's).</summary>
    public string FromKernel => Between(KernelUnderlay, OurUnderlay);

    /// <summary>A tshark display filter for the underlay packets our namespace sent on this pseudowire.</summary>
    public string FromOurs => Between(OurUnderlay, KernelUnderlay);

    private string Between(string source, string destination) =>
        $"{(Ipv6 ? "ipv6" : "ip")}.src#1=={source} && {(Ipv6 ? "ipv6" : "ip")}.dst#1=={destination}";

    /// <summary>The underlay address of end <paramref name="host"/> (1 kernel, 2 ours) of pseudowire <paramref name="number"/>.</summary>
    public static string Underlay(bool ipv6, int number, int host) => ipv6 ? $"fd90:{number}::{host}" : $"10.90.{number}.{host}";
}
