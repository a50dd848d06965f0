using System.Buffers.Binary;

namespace Framework.Plugins.VectorTransports.Wire;

/// <summary>The ones' complement sum of RFC 1071.</summary>
public static class InternetChecksum
{
    /// <summary>The folded 16-bit ones' complement sum of <paramref name="data"/> (not complemented).</summary>
    public static ushort Sum(ReadOnlySpan<byte> data)
    {
        ulong sum = 0;
        var i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (i < data.Length)
        {
            sum += (ulong)data[i] << 8;
        }

        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)sum;
    }
}
