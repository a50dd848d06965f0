namespace Framework.Plugins.Elf2Dmp.Memory;

/// <summary>A contiguous range of guest-physical memory stored contiguously in a file.</summary>
/// <param name="Address">The guest-physical start address.</param>
/// <param name="FileOffset">Where its bytes start in the file.</param>
/// <param name="Size">Its length in bytes.</param>
public readonly record struct PhysicalBlock(ulong Address, long FileOffset, ulong Size)
{
    /// <summary>The first address after the block.</summary>
    public ulong End => Address + Size;
}
