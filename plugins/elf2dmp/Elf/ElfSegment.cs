namespace Framework.Plugins.Elf2Dmp.Elf;

/// <summary>One program header of the ELF core file.</summary>
/// <param name="Index">The header's index, for messages.</param>
/// <param name="Type">p_type (1 PT_LOAD, 4 PT_NOTE).</param>
/// <param name="Offset">p_offset: where the data starts in the file.</param>
/// <param name="VirtualAddress">p_vaddr (QEMU leaves it 0 unless it dumped with paging).</param>
/// <param name="PhysicalAddress">p_paddr: the guest-physical address of a PT_LOAD segment.</param>
/// <param name="FileSize">p_filesz.</param>
/// <param name="MemorySize">p_memsz.</param>
public sealed record ElfSegment(int Index, uint Type, ulong Offset, ulong VirtualAddress, ulong PhysicalAddress, ulong FileSize, ulong MemorySize)
{
    /// <summary>PT_LOAD.</summary>
    public const uint Load = 1;

    /// <summary>PT_NOTE.</summary>
    public const uint Note = 4;
}
