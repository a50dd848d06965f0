using Framework.Plugins.Elf2Dmp.Dump;
using Framework.Plugins.Elf2Dmp.Kernel;
using Framework.Plugins.Elf2Dmp.Pe;

namespace Framework.Plugins.Elf2Dmp.Conversion;

/// <summary>What a conversion produced.</summary>
/// <param name="OutputPath">The dump written.</param>
/// <param name="Header">Its header.</param>
/// <param name="DirectoryTableBase">The kernel page-table base and where it came from.</param>
/// <param name="KernelBase">The kernel image's base address.</param>
/// <param name="CodeView">The kernel's RSDS record (PDB key).</param>
/// <param name="PdbPath">The PDB used.</param>
/// <param name="KdbgWasEncoded">Whether KdDebuggerDataBlock had to be decoded.</param>
/// <param name="BytesWritten">The output's size.</param>
/// <param name="Duration">How long the conversion took.</param>
public sealed record ConversionResult(
    string OutputPath,
    DumpHeader64 Header,
    DirectoryTableBase DirectoryTableBase,
    ulong KernelBase,
    CodeViewRecord CodeView,
    string PdbPath,
    bool KdbgWasEncoded,
    long BytesWritten,
    TimeSpan Duration);
