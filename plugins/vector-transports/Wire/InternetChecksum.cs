using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Framework.Plugins.VectorTransports.Wire;

/// <summary>
/// The RFC 1071 ones' complement sum behind the IPv4, TCP and UDP checksums, fast enough for 64 KB
/// super-frames: 32-bit words in machine order, folded and swapped once at the end (the sum does not
/// depend on byte order, RFC 1071 2(B)).
/// </summary>
public static class InternetChecksum
{
    /// <summary>The folded, not complemented, sum of <paramref name="data"/> as big-endian 16-bit words
    /// (an odd last byte padded with zero).</summary>
    public static ushort Sum(ReadOnlySpan<byte> data)
    {
        ulong sum = 0;
        var words = MemoryMarshal.Cast<byte, uint>(data);
        foreach (var word in words)
        {
            sum += word;
        }

        var i = words.Length * 4;
        if (i + 2 <= data.Length)
        {
            sum += MemoryMarshal.Read<ushort>(data[i..]);
            i += 2;
        }

        if (i < data.Length)
        {
            // The odd byte is the high half of a big-endian word: in machine order that is its first byte.
            sum += BitConverter.IsLittleEndian ? data[i] : (ulong)data[i] << 8;
        }

        var folded = Fold(sum);
        return BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(folded) : folded;
    }

    /// <summary>Folds a sum of 16-bit values to 16 bits with end-around carry.</summary>
    public static ushort Fold(ulong sum)
    {
        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)sum;
    }
}
