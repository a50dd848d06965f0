using System.ComponentModel.DataAnnotations;

namespace Framework.Plugins.VectorTransports.Jobs;

/// <summary>The bundled job: a bridge between two unix transports with sample frames sent through it.</summary>
public sealed class SampleTrafficOptions
{
    /// <summary>Whether the job runs (default false).</summary>
    public bool Enabled { get; set; }

    /// <summary>The capture file of frames to send, relative to the plugin folder.</summary>
    [Required]
    public string Frames { get; set; } = "Samples/sample-frames.pcap";

    /// <summary>How many times the capture is sent.</summary>
    [Range(1, 100_000)]
    public int Repeat { get; set; } = 20;

    /// <summary>The transports' depth.</summary>
    [Range(1, 1024)]
    public int Depth { get; set; } = 32;
}
