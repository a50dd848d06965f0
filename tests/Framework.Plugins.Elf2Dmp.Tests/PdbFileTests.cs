using System.Globalization;
using System.Text.RegularExpressions;
using Framework.Plugins.Elf2Dmp.Pdb;
using Framework.Plugins.Elf2Dmp.Tests.Guest;

namespace Framework.Plugins.Elf2Dmp.Tests;

public sealed partial class PdbFileTests
{
    [RequiresPdbUtilFact]
    public void Public_symbols_match_llvm_pdbutil()
    {
        var kernel = KernelImageBuilder.Kernel;
        var pdb = PdbFile.Open(kernel.PdbPath);
        var dump = KernelImageBuilder.Run("llvm-pdbutil", $"dump -publics \"{kernel.PdbPath}\"", Path.GetTempPath());
        var expected = PublicLine().Matches(dump)
            .ToDictionary(m => m.Groups[1].Value, m => (ushort.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), uint.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)));

        Assert.NotEmpty(expected);
        Assert.Equal(expected.Keys.Order(), pdb.Publics.Keys.Order());
        foreach (var (name, (segment, offset)) in expected)
        {
            Assert.Equal(segment, pdb.Publics[name].Segment);
            Assert.Equal(offset, pdb.Publics[name].Offset);
        }

        Assert.True(pdb.Publics["KiDivideErrorFault"].IsFunction);
        Assert.False(pdb.Publics["KdDebuggerDataBlock"].IsFunction);
    }

    [RequiresPdbUtilFact]
    public void Guid_and_age_match_llvm_pdbutil_and_the_image_RSDS_record()
    {
        var kernel = KernelImageBuilder.Kernel;
        var pdb = PdbFile.Open(kernel.PdbPath);
        var summary = KernelImageBuilder.Run("llvm-pdbutil", $"dump -summary \"{kernel.PdbPath}\"", Path.GetTempPath());

        Assert.Contains($"GUID: {{{pdb.Signature.ToString("D").ToUpperInvariant()}}}", summary, StringComparison.Ordinal);
        Assert.Contains($"Age: {pdb.Age}", summary, StringComparison.Ordinal);
        var codeView = GuestFixture.CodeViewOf(kernel.ImagePath);
        Assert.Equal(codeView.Signature, pdb.Signature);
        Assert.Equal(codeView.Age, pdb.DbiAge);
        Assert.Equal("ntkrnlmp.pdb", codeView.PdbPath);
    }

    [RequiresToolsFact]
    public void Section_headers_give_RVAs_that_agree_with_the_image()
    {
        var kernel = KernelImageBuilder.Kernel;
        var pdb = PdbFile.Open(kernel.PdbPath);
        using var pe = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(kernel.ImagePath));

        Assert.Equal(pe.PEHeaders.SectionHeaders.Select(s => (s.Name, (uint)s.VirtualAddress)), pdb.Sections.Select(s => (s.Name, s.VirtualAddress)));
        var data = pe.PEHeaders.SectionHeaders.Single(s => s.Name == ".data");
        Assert.Equal((uint)data.VirtualAddress, pdb.FindRva("KdDebuggerDataBlock"));
        Assert.Null(pdb.FindRva("NoSuchSymbol"));
    }

    [Fact]
    public void A_file_that_is_not_MSF_is_refused()
    {
        var error = Assert.Throws<Elf2DmpException>(() => PdbFile.Parse(new byte[4096]));
        Assert.Equal(Elf2DmpError.InvalidData, error.Error);
        Assert.Contains("MSF superblock magic", error.Message, StringComparison.Ordinal);
    }

    [RequiresToolsFact]
    public void Truncated_PDBs_fail_with_typed_errors()
    {
        var bytes = File.ReadAllBytes(KernelImageBuilder.Kernel.PdbPath);
        for (var length = 0; length < bytes.Length; length += 509)
        {
            var error = Assert.Throws<Elf2DmpException>(() => PdbFile.Parse(bytes[..length]));
            Assert.NotEmpty(error.Field);
        }
    }

    [RequiresToolsFact]
    public void Randomly_mutated_PDBs_parse_or_fail_with_typed_errors()
    {
        var original = File.ReadAllBytes(KernelImageBuilder.Kernel.PdbPath);
        var random = new Random(5);
        for (var round = 0; round < 400; round++)
        {
            var bytes = (byte[])original.Clone();
            // Hit the structures that matter more often than the padding: the superblock, the directory and stream starts.
            for (var i = 0; i < 1 + random.Next(8); i++)
            {
                var at = random.Next(4) == 0 ? random.Next(0x40) : random.Next(bytes.Length);
                bytes[at] = (byte)random.Next(256);
            }

            try
            {
                _ = PdbFile.Parse(bytes);
            }
            catch (Elf2DmpException)
            {
            }
        }
    }

    [GeneratedRegex(@"S_PUB32 \[size = \d+\] `([^`]+)`\s+flags = [^,]+, addr = (\d+):(\d+)")]
    private static partial Regex PublicLine();
}
