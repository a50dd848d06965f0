using System.Buffers.Binary;
using System.Numerics;

namespace Framework.Plugins.Elf2Dmp.Kernel;

/// <summary>
/// Undoes the kernel's obfuscation of KdDebuggerDataBlock when KdpDataBlockEncoded is set: every
/// 64-bit word w becomes bswap(rol(w ^ KiWaitNever, KiWaitNever &amp; 0xff) ^ &amp;KdpDataBlockEncoded) ^ KiWaitAlways.
/// </summary>
public static class KdbgDecoder
{
    /// <summary>Decodes <paramref name="data"/> in place.</summary>
    /// <param name="data">A whole number of 64-bit words.</param>
    /// <param name="kiWaitNever">The value of KiWaitNever.</param>
    /// <param name="kiWaitAlways">The value of KiWaitAlways.</param>
    /// <param name="kdpDataBlockEncoded">The address of KdpDataBlockEncoded.</param>
    public static void Decode(Span<byte> data, ulong kiWaitNever, ulong kiWaitAlways, ulong kdpDataBlockEncoded)
    {
        for (var at = 0; at + 8 <= data.Length; at += 8)
        {
            var word = BinaryPrimitives.ReadUInt64LittleEndian(data[at..]);
            word = BitOperations.RotateLeft(word ^ kiWaitNever, (int)(kiWaitNever & 0xff));
            word = BinaryPrimitives.ReverseEndianness(word ^ kdpDataBlockEncoded) ^ kiWaitAlways;
            BinaryPrimitives.WriteUInt64LittleEndian(data[at..], word);
        }
    }
}
