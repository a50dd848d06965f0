namespace Framework.Plugins.Elf2Dmp.Pdb;

/// <summary>A public symbol (S_PUB32) resolved to an RVA.</summary>
/// <param name="Name">The decorated name, such as <c>KdDebuggerDataBlock</c>.</param>
/// <param name="Segment">The 1-based section index.</param>
/// <param name="Offset">The offset within the section.</param>
/// <param name="Rva">The relative virtual address in the image.</param>
/// <param name="IsFunction">Whether the record's flags mark code.</param>
public sealed record PublicSymbol(string Name, ushort Segment, uint Offset, uint Rva, bool IsFunction);
