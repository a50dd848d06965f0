using System.Text;
using Framework.Plugins.Elf2Dmp;
using Framework.Plugins.Elf2Dmp.Cli;
using Framework.Plugins.Elf2Dmp.Conversion;
using Framework.Plugins.Elf2Dmp.Dump;
using Framework.Plugins.Elf2Dmp.Pdb;
using Framework.Plugins.Elf2Dmp.Pe;
using Framework.Plugins.Elf2Dmp.Symbols;

namespace Framework.Fuzz.Targets;

/// <summary>elf2dmp's parsers: the QEMU ELF dump and its notes (through the converter, as
/// <c>elf2dmp convert</c> runs it), the kernel's PE image, MSF/PDB files, Windows dumps and symbol paths.</summary>
public static class Elf2DmpTargets
{
    private const string Assembly = "Framework.Plugins.Elf2Dmp.dll";

    /// <summary>A kernel-space base address, as the converter passes for the image it found.</summary>
    private const ulong KernelBase = 0xfffff800_00000000;

    /// <summary>The targets.</summary>
    public static IEnumerable<FuzzTarget> All =>
    [
        new("elf2dmp-qemu-elf", "QEMU ELF dump, its notes, page tables and kernel search: DumpConverter.ConvertAsync up to the symbols stage", [Assembly], QemuElf),
        new("elf2dmp-pe", "kernel PE image (headers, debug directory, RSDS CodeView record): KernelImage.Parse", [Assembly], Pe),
        new("elf2dmp-pdb", "MSF container and PDB streams (PDB info, DBI, section headers, publics): PdbFile.Parse", [Assembly], Pdb),
        new("elf2dmp-dmp", "Windows 64-bit full dump header and runs: DumpFile.Open, as elf2dmp inspect reads it", [Assembly], Dmp),
        new("elf2dmp-symbol-path", "symbol path text (srv*cache*server, cache*, folders): SymbolPath.Parse", [Assembly], SymbolPathText),
    ];

    private static void QemuElf(ReadOnlySpan<byte> input)
    {
        var path = ScratchFile.Write("dump.elf", input);
        var output = ScratchFile.Fresh("dump.dmp");
        // An empty local symbol store: the conversion stops at the symbols stage without any network.
        var symbols = Path.Combine(ScratchFile.FolderPath, "symbols");
        Directory.CreateDirectory(symbols);
        try
        {
            new DumpConverter().ConvertAsync(path, output, new ConversionOptions { SymbolPath = symbols }).GetAwaiter().GetResult();
        }
        catch (Elf2DmpException)
        {
        }

        if (File.Exists(output))
        {
            throw new InvalidOperationException("a failed conversion left its output file behind");
        }
    }

    private static void Pe(ReadOnlySpan<byte> input)
    {
        try
        {
            var image = KernelImage.Parse(input.ToArray(), KernelBase);
            _ = image.CodeView.SymbolStorePath;
        }
        catch (Elf2DmpException)
        {
        }
    }

    private static void Pdb(ReadOnlySpan<byte> input)
    {
        try
        {
            var pdb = PdbFile.Parse(input.ToArray());
            _ = pdb.FindRva("KdDebuggerDataBlock");
            _ = pdb.FindRva("KdCopyDataBlock");
        }
        catch (Elf2DmpException)
        {
        }
    }

    private static void Dmp(ReadOnlySpan<byte> input)
    {
        var path = ScratchFile.Write("input.dmp", input);
        try
        {
            using var dump = DumpFile.Open(path);
            InspectCommand.Write(new NullConsole(), dump, [KernelBase]);
        }
        catch (Elf2DmpException)
        {
        }
    }

    private static void SymbolPathText(ReadOnlySpan<byte> input)
    {
        try
        {
            _ = SymbolPath.Parse(Encoding.UTF8.GetString(input)).ToString();
        }
        catch (Elf2DmpException)
        {
        }
    }
}
