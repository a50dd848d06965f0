using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Framework.Plugins.BpfRuntime.Maps;

/// <summary>
/// Hashing and comparing map keys by their bytes, as the kernel's hash table does with jhash. The
/// common 4- and 8-byte keys are read as one integer; other sizes go through the BCL's
/// <see cref="HashCode.AddBytes"/> (seeded per process). Each table also has its own random seed
/// (zero with <see cref="BpfMapFlags.ZeroSeed"/>, as in the kernel), so that keys chosen by a program
/// cannot be made to collide, and the result is mixed with a multiplicative (Fibonacci) step whose
/// high bits choose the bucket.
/// </summary>
internal static class KeyHash
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>The key's 64-bit hash; its high bits are the best mixed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of(ReadOnlySpan<byte> key, ulong seed)
    {
        ulong value;
        if (key.Length == 4)
        {
            value = BinaryPrimitives.ReadUInt32LittleEndian(key);
        }
        else if (key.Length == 8)
        {
            value = BinaryPrimitives.ReadUInt64LittleEndian(key);
        }
        else
        {
            var hash = default(HashCode);
            hash.AddBytes(key);
            value = (uint)hash.ToHashCode();
        }

        return (value ^ seed) * Golden;
    }

    /// <summary>Whether two keys of the same size hold the same bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Equal(ReadOnlySpan<byte> key, byte[] other) => key.Length switch
    {
        4 => BinaryPrimitives.ReadUInt32LittleEndian(key) == BinaryPrimitives.ReadUInt32LittleEndian(other),
        8 => BinaryPrimitives.ReadUInt64LittleEndian(key) == BinaryPrimitives.ReadUInt64LittleEndian(other),
        _ => key.SequenceEqual(other),
    };
}
