namespace Framework.Plugins.Elf2Dmp.Tests.Guest;

/// <summary>Builds x64 4-level page tables in guest RAM with 4 KB, 2 MB and 1 GB mappings.</summary>
public sealed class PageTableBuilder
{
    private const ulong Present = 1, Writable = 2, LargePage = 0x80;
    private readonly GuestPhysicalMemory _memory;
    private readonly Func<ulong> _allocatePage;

    public PageTableBuilder(GuestPhysicalMemory memory, Func<ulong> allocatePage)
    {
        _memory = memory;
        _allocatePage = allocatePage;
        Root = allocatePage();
    }

    /// <summary>The PML4's physical address: the CR3 value.</summary>
    public ulong Root { get; }

    public void Map4K(ulong va, ulong pa) => SetLeaf(va, pa, level: 3);

    public void Map2M(ulong va, ulong pa) => SetLeaf(va, pa, level: 2);

    public void Map1G(ulong va, ulong pa) => SetLeaf(va, pa, level: 1);

    /// <summary>Writes a raw entry, for hostile tables (loops, frames outside RAM).</summary>
    public void SetEntry(ulong tablePa, int index, ulong value) => _memory.WriteUInt64(tablePa + ((ulong)index * 8), value);

    /// <summary>The physical address of the table at <paramref name="level"/> (0 = PML4) on the walk of va.</summary>
    public ulong TableFor(ulong va, int level)
    {
        var table = Root;
        for (var l = 0; l < level; l++)
        {
            table = _memory.ReadUInt64(table + (Index(va, l) * 8)) & 0x000F_FFFF_FFFF_F000;
        }

        return table;
    }

    private void SetLeaf(ulong va, ulong pa, int level)
    {
        var table = Root;
        for (var l = 0; l < level; l++)
        {
            var entryAddress = table + (Index(va, l) * 8);
            var entry = _memory.ReadUInt64(entryAddress);
            if ((entry & Present) == 0)
            {
                var next = _allocatePage();
                entry = next | Present | Writable;
                _memory.WriteUInt64(entryAddress, entry);
            }

            table = entry & 0x000F_FFFF_FFFF_F000;
        }

        _memory.WriteUInt64(table + (Index(va, level) * 8), pa | Present | Writable | (level < 3 ? LargePage : 0));
    }

    public static ulong Index(ulong va, int level) => (va >> (39 - (9 * level))) & 0x1ff;
}
