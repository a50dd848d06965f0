namespace Framework.Plugins.VectorTransports.Wire;

/// <summary>Frames as they are: the unix, bess and plain raw and tap transports.</summary>
public sealed class NoEncapsulation : IEncapsulation
{
    /// <summary>The one instance; it has no state.</summary>
    public static readonly NoEncapsulation Instance = new();

    /// <inheritdoc />
    public int HeaderSize => 0;

    /// <inheritdoc />
    public int MaximumReceiveOverhead => 0;

    /// <inheritdoc />
    public void WriteHeader(Span<byte> header, ReadOnlySpan<byte> frame)
    {
    }

    /// <inheritdoc />
    public DropReason Decapsulate(Span<byte> datagram, out int frameOffset, out int frameLength)
    {
        frameOffset = 0;
        frameLength = datagram.Length;
        return datagram.Length < EthernetFrame.HeaderLength ? DropReason.Truncated : DropReason.None;
    }
}
