namespace Framework.Plugins.VectorTransports.Wire;

/// <summary>What IPv4 raw sockets put in front of the payload: the IP header, of IHL words.</summary>
public static class Ipv4Header
{
    /// <summary>The longest IPv4 header (IHL 15).</summary>
    public const int MaximumLength = 60;

    /// <summary>Finds the payload after an IPv4 header.</summary>
    /// <returns><see cref="DropReason.None"/> with the header length, or why the datagram is not IPv4.</returns>
    public static DropReason Skip(ReadOnlySpan<byte> datagram, out int headerLength)
    {
        headerLength = 0;
        if (datagram.Length < 20)
        {
            return DropReason.Truncated;
        }

        if (datagram[0] >> 4 != 4)
        {
            return DropReason.Header;
        }

        headerLength = (datagram[0] & 0xF) * 4;
        if (headerLength < 20)
        {
            return DropReason.Header;
        }

        return datagram.Length < headerLength ? DropReason.Truncated : DropReason.None;
    }
}
