namespace Framework.Plugins.VectorTransports.Capture;

/// <summary>A capture file that is not a readable classic pcap file of Ethernet frames; the message gives the byte offset.</summary>
public sealed class PcapFormatException : VectorTransportException
{
    /// <summary>Creates the exception.</summary>
    public PcapFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public PcapFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public PcapFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a fault at <paramref name="offset"/>.</summary>
    public PcapFormatException(long offset, string message)
        : base($"pcap offset {offset}: {message}")
    {
        Offset = offset;
    }

    /// <summary>Where the fault is.</summary>
    public long Offset { get; }
}
