using System.ComponentModel.DataAnnotations;

namespace Framework.Plugins.VectorTransports.Bridge;

/// <summary>One bridge as configured under <c>Plugins:vector-transports:Bridges</c>: two transports,
/// given as UML vector option strings, joined both ways.</summary>
public sealed class BridgeDefinition
{
    /// <summary>A name unique among the bridges; it tags the bridge's metrics.</summary>
    [Required]
    public string Name { get; set; } = string.Empty;

    /// <summary>Whether the bridge service runs it (default true).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Side A, such as <c>transport=raw,ifname=veth0</c>.</summary>
    [Required]
    public string A { get; set; } = string.Empty;

    /// <summary>Side B.</summary>
    [Required]
    public string B { get; set; } = string.Empty;

    /// <summary>A packet filter loaded through the <c>IPacketFilterProvider</c> capability (an eBPF object
    /// for bpf-runtime) and applied to every frame in both directions; null for none.</summary>
    public string? PacketFilter { get; set; }

    /// <summary>The program's section or name in <see cref="PacketFilter"/>, or null for the first.</summary>
    public string? PacketFilterSection { get; set; }

    /// <summary>The first wait before reopening a failed transport; doubled on each failure.</summary>
    [Range(1, 600_000)]
    public int ReopenInitialDelayMilliseconds { get; set; } = 100;

    /// <summary>The longest wait between reopen attempts.</summary>
    [Range(1, 3_600_000)]
    public int ReopenMaximumDelayMilliseconds { get; set; } = 30_000;
}
