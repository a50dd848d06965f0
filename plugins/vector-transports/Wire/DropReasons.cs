namespace Framework.Plugins.VectorTransports.Wire;

/// <summary>Names of <see cref="DropReason"/> values as used in metrics tags and tables.</summary>
public static class DropReasons
{
    private static readonly string[] Names =
    [
        "none", "truncated", "oversized", "header", "key", "session", "cookie", "sequence",
        "virtio_header", "gso", "own_frame", "filter", "peer_unreachable", "transmit_busy", "gso_header", "gso_size", "checksum",
    ];

    /// <summary>How many reasons there are (including <see cref="DropReason.None"/>).</summary>
    public static int Count => Names.Length;

    /// <summary>The snake_case name of <paramref name="reason"/>.</summary>
    public static string Name(DropReason reason) => (uint)reason < (uint)Names.Length ? Names[(int)reason] : "unknown";
}
