using System.Buffers.Binary;

namespace Framework.Plugins.Elf2Dmp.Memory;

/// <summary>
/// A virtual address space over x64 4-level paging (PML4, PDPT, PD, PT) with 4 KB, 2 MB and 1 GB
/// pages. A walk reads at most four entries, so a hostile table that points back at itself cannot make
/// it loop; an entry that points outside physical memory fails the walk with a message saying so.
/// </summary>
public sealed class VirtualMemory
{
    /// <summary>Bits 12 to 51: the frame address in CR3 and in paging entries.</summary>
    public const ulong FrameMask = 0x000F_FFFF_FFFF_F000;

    private const ulong Present = 1;
    private const ulong LargePage = 1 << 7;

    /// <summary>Creates the space.</summary>
    /// <param name="physical">The physical memory.</param>
    /// <param name="directoryTableBase">CR3; PCID bits are ignored.</param>
    public VirtualMemory(PhysicalMemory physical, ulong directoryTableBase)
    {
        Physical = physical;
        DirectoryTableBase = directoryTableBase & FrameMask;
    }

    /// <summary>The physical memory.</summary>
    public PhysicalMemory Physical { get; }

    /// <summary>The PML4's physical address.</summary>
    public ulong DirectoryTableBase { get; }

    /// <summary>Whether bits 48 to 63 repeat bit 47.</summary>
    public static bool IsCanonical(ulong address)
    {
        var top = (long)address >> 47;
        return top is 0 or -1;
    }

    /// <summary>Walks the page tables for <paramref name="address"/>.</summary>
    public PageTranslation Translate(ulong address)
    {
        var entries = new List<ulong>(4);
        if (!IsCanonical(address))
        {
            return new PageTranslation(address, null, PhysicalMemory.PageSize, entries, "the address is not canonical");
        }

        var table = DirectoryTableBase;
        string[] names = ["PML4E", "PDPTE", "PDE", "PTE"];
        for (var level = 0; level < 4; level++)
        {
            var shift = 39 - (9 * level);
            var coverage = 1UL << shift;
            var entryAddress = table + (((address >> shift) & 0x1ff) * 8);
            var entry = Physical.TryReadUInt64(entryAddress);
            if (entry is null)
            {
                return new PageTranslation(address, null, coverage, entries,
                    $"the {names[level]} at physical 0x{entryAddress:x} is outside physical memory");
            }

            entries.Add(entry.Value);
            if ((entry.Value & Present) == 0)
            {
                return new PageTranslation(address, null, coverage, entries, $"the {names[level]} is not present");
            }

            if (level is 1 or 2 && (entry.Value & LargePage) != 0)
            {
                var frame = entry.Value & FrameMask & ~(coverage - 1);
                return Finish(address, frame | (address & (coverage - 1)), coverage, entries);
            }

            if (level == 3)
            {
                return Finish(address, (entry.Value & FrameMask) | (address & 0xfff), coverage, entries);
            }

            table = entry.Value & FrameMask;
        }

        throw new InvalidOperationException("unreachable");
    }

    /// <summary>The physical address of <paramref name="address"/>, or null when unmapped.</summary>
    public ulong? TryTranslate(ulong address) => Translate(address).PhysicalAddress;

    /// <summary>Reads bytes, page by page, or returns false when any page is unmapped.</summary>
    public bool TryRead(ulong address, Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            var physical = TryTranslate(address);
            var inPage = (int)Math.Min((ulong)destination.Length, PhysicalMemory.PageSize - (address & 0xfff));
            if (physical is null || !Physical.TryRead(physical.Value, destination[..inPage]))
            {
                return false;
            }

            destination = destination[inPage..];
            address += (ulong)inPage;
        }

        return true;
    }

    /// <summary>Reads bytes or fails with a message naming <paramref name="what"/>.</summary>
    /// <exception cref="Elf2DmpException">A page is unmapped or outside physical memory (BadAddress).</exception>
    public void Read(ulong address, Span<byte> destination, string what)
    {
        var at = address;
        var rest = destination;
        while (!rest.IsEmpty)
        {
            var translation = Translate(at);
            var inPage = (int)Math.Min((ulong)rest.Length, PhysicalMemory.PageSize - (at & 0xfff));
            if (translation.PhysicalAddress is not { } physical)
            {
                throw new Elf2DmpException(Elf2DmpError.BadAddress, what, at, $"cannot translate through DTB 0x{DirectoryTableBase:x}: {translation.Failure}");
            }

            if (!Physical.TryRead(physical, rest[..inPage]))
            {
                throw new Elf2DmpException(Elf2DmpError.BadAddress, what, at, $"maps to physical 0x{physical:x}, which is not in the dump's memory");
            }

            rest = rest[inPage..];
            at += (ulong)inPage;
        }
    }

    /// <summary>Reads a little-endian 64-bit value.</summary>
    public ulong ReadUInt64(ulong address, string what)
    {
        Span<byte> buffer = stackalloc byte[8];
        Read(address, buffer, what);
        return BinaryPrimitives.ReadUInt64LittleEndian(buffer);
    }

    private PageTranslation Finish(ulong address, ulong physical, ulong pageSize, List<ulong> entries) =>
        Physical.IsPresent(physical, 1)
            ? new PageTranslation(address, physical, pageSize, entries, null)
            : new PageTranslation(address, null, PhysicalMemory.PageSize, entries, $"maps to physical 0x{physical:x}, which is not in the dump's memory");
}
