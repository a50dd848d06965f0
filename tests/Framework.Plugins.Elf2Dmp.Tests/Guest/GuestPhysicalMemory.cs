using System.Buffers.Binary;

namespace Framework.Plugins.Elf2Dmp.Tests.Guest;

/// <summary>Guest RAM as a few blocks with gaps between them, written by the generator.</summary>
public sealed class GuestPhysicalMemory
{
    private readonly SortedList<ulong, byte[]> _blocks = new();

    public IEnumerable<KeyValuePair<ulong, byte[]>> Blocks => _blocks;

    public void AddBlock(ulong address, int size) => _blocks.Add(address, new byte[size]);

    public Span<byte> Span(ulong address, int length)
    {
        foreach (var (start, bytes) in _blocks)
        {
            if (address >= start && address + (ulong)length <= start + (ulong)bytes.Length)
            {
                return bytes.AsSpan((int)(address - start), length);
            }
        }

        throw new ArgumentOutOfRangeException(nameof(address), $"0x{address:x}+{length} is not in guest RAM");
    }

    public void Write(ulong address, ReadOnlySpan<byte> data) => data.CopyTo(Span(address, data.Length));

    public void WriteUInt64(ulong address, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Span(address, 8), value);

    public void WriteUInt32(ulong address, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Span(address, 4), value);

    public void WriteUInt16(ulong address, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Span(address, 2), value);

    public ulong ReadUInt64(ulong address) => BinaryPrimitives.ReadUInt64LittleEndian(Span(address, 8));
}
