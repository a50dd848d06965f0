namespace Framework.Plugins.Elf2Dmp.Memory;

/// <summary>The outcome of walking the page tables for one virtual address.</summary>
/// <param name="VirtualAddress">The address translated.</param>
/// <param name="PhysicalAddress">The physical address, or null when the walk failed.</param>
/// <param name="PageSize">The size of the mapping page (4 KB, 2 MB, 1 GB) or, on failure, the size of
/// the region the failing entry covers (everything in it fails the same way).</param>
/// <param name="Entries">The entries read, PML4E first.</param>
/// <param name="Failure">Why the walk failed, or null.</param>
public sealed record PageTranslation(ulong VirtualAddress, ulong? PhysicalAddress, ulong PageSize, IReadOnlyList<ulong> Entries, string? Failure)
{
    /// <summary>Whether the address is mapped to present memory.</summary>
    public bool IsMapped => PhysicalAddress is not null;
}
