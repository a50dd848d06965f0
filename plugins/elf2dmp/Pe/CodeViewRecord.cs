using System.Globalization;

namespace Framework.Plugins.Elf2Dmp.Pe;

/// <summary>The CodeView RSDS record of an image: which PDB belongs to it.</summary>
/// <param name="Signature">The PDB signature GUID.</param>
/// <param name="Age">The PDB age.</param>
/// <param name="PdbPath">The PDB name or path recorded by the linker.</param>
public sealed record CodeViewRecord(Guid Signature, int Age, string PdbPath)
{
    /// <summary>The PDB's file name (the last part of <see cref="PdbPath"/>).</summary>
    public string PdbFileName => PdbPath[(PdbPath.LastIndexOfAny(['\\', '/']) + 1)..];

    /// <summary>The symbol-store key: the GUID's 32 upper-case hex digits then the age in hex.</summary>
    public string SymbolStoreKey =>
        Signature.ToString("N", CultureInfo.InvariantCulture).ToUpperInvariant() + Age.ToString("X", CultureInfo.InvariantCulture);

    /// <summary>The symbol-store path: <c>name/key/name</c>.</summary>
    public string SymbolStorePath => $"{PdbFileName}/{SymbolStoreKey}/{PdbFileName}";
}
