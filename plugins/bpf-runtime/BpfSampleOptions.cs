namespace Framework.Plugins.BpfRuntime;

/// <summary>The bundled sample job: a packet counter run over sample packets
/// (<c>Plugins:bpf-runtime:Sample</c>).</summary>
public sealed class BpfSampleOptions
{
    /// <summary>Whether the host runs the sample job. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>The program (assembler text or bytecode); relative paths are under the plugin folder.</summary>
    public string Program { get; set; } = "Samples/packet-counter.s";

    /// <summary>The packets (a pcap file); relative paths are under the plugin folder.</summary>
    public string Packets { get; set; } = "Samples/sample-packets.pcap";
}
