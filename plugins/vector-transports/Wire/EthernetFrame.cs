using System.Buffers.Binary;

namespace Framework.Plugins.VectorTransports.Wire;

/// <summary>Field access on an Ethernet II frame.</summary>
public static class EthernetFrame
{
    /// <summary>Destination, source and EtherType.</summary>
    public const int HeaderLength = 14;

    /// <summary>EtherType of transparent Ethernet bridging, the GRE protocol for Ethernet payloads.</summary>
    public const ushort TransparentEthernetBridging = 0x6558;

    /// <summary>The source MAC address.</summary>
    public static ReadOnlySpan<byte> Source(ReadOnlySpan<byte> frame) => frame.Slice(6, 6);

    /// <summary>The destination MAC address.</summary>
    public static ReadOnlySpan<byte> Destination(ReadOnlySpan<byte> frame) => frame[..6];

    /// <summary>The EtherType.</summary>
    public static ushort EtherType(ReadOnlySpan<byte> frame) => BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);

    /// <summary>Formats a MAC address as six colon-separated hex pairs.</summary>
    public static string FormatMac(ReadOnlySpan<byte> mac) =>
        mac.Length == 6 ? $"{mac[0]:x2}:{mac[1]:x2}:{mac[2]:x2}:{mac[3]:x2}:{mac[4]:x2}:{mac[5]:x2}" : Convert.ToHexString(mac);
}
