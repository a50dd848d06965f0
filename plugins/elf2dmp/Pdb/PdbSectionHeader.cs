namespace Framework.Plugins.Elf2Dmp.Pdb;

/// <summary>An image section header as the PDB keeps a copy of it (IMAGE_SECTION_HEADER).</summary>
/// <param name="Name">The section name, such as <c>.data</c>.</param>
/// <param name="VirtualSize">Misc.VirtualSize.</param>
/// <param name="VirtualAddress">The section's RVA.</param>
public sealed record PdbSectionHeader(string Name, uint VirtualSize, uint VirtualAddress)
{
    /// <summary>The size of IMAGE_SECTION_HEADER.</summary>
    public const int Size = 40;
}
