using Framework.Plugins.Elf2Dmp.Symbols;

namespace Framework.Plugins.Elf2Dmp.Conversion;

/// <summary>Settings of one conversion.</summary>
public sealed class ConversionOptions
{
    /// <summary>Where the kernel's PDB is looked for; null means <see cref="Symbols.SymbolPath.EnvironmentVariable"/>.</summary>
    public string? SymbolPath { get; init; }

    /// <summary>Finds and downloads PDBs; a default locator when null.</summary>
    public SymbolLocator? SymbolLocator { get; init; }

    /// <summary>Whether the dump is flushed to disk (fsync) before it is renamed into place.</summary>
    public bool FlushToDisk { get; init; }

    /// <summary>The header's comment.</summary>
    public string Comment { get; init; } = "Converted from a QEMU guest-memory dump by framework elf2dmp";
}
