using Framework.Plugins.Elf2Dmp.Native;

namespace Framework.Plugins.Elf2Dmp.Memory;

/// <summary>
/// Guest-physical address space backed by a mapped file: sorted, non-overlapping blocks with gaps
/// between them. Reads never cross into a gap. Thread-safe for reads.
/// </summary>
public sealed class PhysicalMemory
{
    /// <summary>The x86 page size.</summary>
    public const int PageSize = 0x1000;

    private readonly PhysicalBlock[] _blocks;

    /// <summary>Creates the space.</summary>
    /// <param name="file">The file holding the bytes.</param>
    /// <param name="blocks">The blocks, in any order.</param>
    /// <exception cref="Elf2DmpException">Blocks overlap, wrap around, or lie outside the file.</exception>
    public PhysicalMemory(MappedFile file, IEnumerable<PhysicalBlock> blocks)
    {
        File = file;
        _blocks = blocks.Where(b => b.Size > 0).OrderBy(b => b.Address).ToArray();
        for (var i = 0; i < _blocks.Length; i++)
        {
            var block = _blocks[i];
            if (block.Address + block.Size < block.Address)
            {
                throw new Elf2DmpException(Elf2DmpError.InvalidData, "physical memory block", block.Address, "the block wraps around the address space");
            }

            if (!file.Contains(block.FileOffset, (long)Math.Min(block.Size, long.MaxValue)))
            {
                throw new Elf2DmpException(Elf2DmpError.Truncated, "physical memory block", block.Address, $"its 0x{block.Size:x} bytes at file offset 0x{block.FileOffset:x} are beyond the end of the file");
            }

            if (i > 0 && _blocks[i - 1].End > block.Address)
            {
                throw new Elf2DmpException(Elf2DmpError.InvalidData, "physical memory block", block.Address, $"overlaps the block at 0x{_blocks[i - 1].Address:x}");
            }
        }
    }

    /// <summary>The backing file.</summary>
    public MappedFile File { get; }

    /// <summary>The blocks, sorted by address.</summary>
    public IReadOnlyList<PhysicalBlock> Blocks => _blocks;

    /// <summary>The total number of bytes of memory present.</summary>
    public ulong TotalSize => _blocks.Aggregate(0UL, (sum, b) => sum + b.Size);

    /// <summary>The blocks as page runs, adjacent blocks merged, as a dump header lists them.</summary>
    public IReadOnlyList<MemoryRun> ToRuns()
    {
        var runs = new List<MemoryRun>();
        foreach (var block in _blocks)
        {
            var basePage = block.Address / PageSize;
            var pages = block.Size / PageSize;
            if (runs.Count > 0 && runs[^1].BasePage + runs[^1].PageCount == basePage)
            {
                runs[^1] = runs[^1] with { PageCount = runs[^1].PageCount + pages };
            }
            else
            {
                runs.Add(new MemoryRun(basePage, pages));
            }
        }

        return runs;
    }

    /// <summary>The file offset of a physical address, or -1 when it is in a gap.</summary>
    public long FileOffsetOf(ulong address)
    {
        var index = FindBlock(address);
        return index < 0 ? -1 : _blocks[index].FileOffset + (long)(address - _blocks[index].Address);
    }

    /// <summary>Whether <paramref name="length"/> bytes at <paramref name="address"/> are all present.</summary>
    public bool IsPresent(ulong address, int length)
    {
        var index = FindBlock(address);
        return index >= 0 && _blocks[index].End - address >= (ulong)length;
    }

    /// <summary>Reads bytes that lie within one block, or returns false when they do not.</summary>
    public bool TryRead(ulong address, Span<byte> destination)
    {
        var index = FindBlock(address);
        if (index < 0 || _blocks[index].End - address < (ulong)destination.Length)
        {
            return false;
        }

        File.Unsafe(_blocks[index].FileOffset + (long)(address - _blocks[index].Address), destination.Length).CopyTo(destination);
        return true;
    }

    /// <summary>Reads a little-endian 64-bit value, or returns null when it is not present.</summary>
    public ulong? TryReadUInt64(ulong address)
    {
        Span<byte> buffer = stackalloc byte[8];
        return TryRead(address, buffer) ? System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(buffer) : null;
    }

    private int FindBlock(ulong address)
    {
        int lo = 0, hi = _blocks.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (address < _blocks[mid].Address)
            {
                hi = mid - 1;
            }
            else if (address >= _blocks[mid].End)
            {
                lo = mid + 1;
            }
            else
            {
                return mid;
            }
        }

        return -1;
    }
}
