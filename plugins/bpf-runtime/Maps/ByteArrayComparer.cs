using System.Buffers.Binary;

namespace Framework.Plugins.BpfRuntime.Maps;

/// <summary>Compares keys by content, and lets maps look keys up by span without allocating.</summary>
internal sealed class ByteArrayComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    public static readonly ByteArrayComparer Instance = new();

    private static readonly ulong s_seed = (ulong)Random.Shared.NextInt64();

    public bool Equals(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] obj) => GetHashCode(obj.AsSpan());

    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

    public int GetHashCode(ReadOnlySpan<byte> alternate)
    {
        // Short keys (the common 4- and 8-byte ones) get a seeded multiplicative hash; the seed is
        // random per process so that keys chosen by a program cannot force collisions.
        if (alternate.Length is 4 or 8)
        {
            var value = alternate.Length == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(alternate) : BinaryPrimitives.ReadUInt64LittleEndian(alternate);
            return (int)(((value ^ s_seed) * 0x9E3779B97F4A7C15UL) >> 32);
        }

        var hash = default(HashCode);
        hash.AddBytes(alternate);
        return hash.ToHashCode();
    }

    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
}
