using Framework.Plugins.Elf2Dmp.Pdb;

namespace Framework.Plugins.Elf2Dmp.Symbols;

/// <summary>A PDB found for an image, with where it came from.</summary>
/// <param name="Path">The local file.</param>
/// <param name="Pdb">The parsed PDB.</param>
/// <param name="Downloaded">Whether it was downloaded during this lookup.</param>
public sealed record SymbolFile(string Path, PdbFile Pdb, bool Downloaded);
