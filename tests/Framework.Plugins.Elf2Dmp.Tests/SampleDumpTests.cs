using Framework.Plugins.Elf2Dmp.Conversion;
using Framework.Plugins.Elf2Dmp.Dump;
using Framework.Plugins.Elf2Dmp.Kernel;
using Framework.Plugins.Elf2Dmp.Tests.Guest;

namespace Framework.Plugins.Elf2Dmp.Tests;

public sealed class SampleDumpTests
{
    /// <summary>The options of the bundled sample: the interesting paths in a small file.</summary>
    public static readonly GuestOptions SampleOptions = new() { CpuCount = 2, Cpu0UserMode = true, EncodedKdbg = true };

    /// <summary>Regenerates plugins/elf2dmp/Sample when ELF2DMP_WRITE_SAMPLE=1 (run by hand after changing the generator).</summary>
    [RequiresToolsFact]
    public void Regenerate_the_bundled_sample_when_asked()
    {
        if (Environment.GetEnvironmentVariable("ELF2DMP_WRITE_SAMPLE") != "1")
        {
            return;
        }

        var sample = RepositoryPaths.PluginSample;
        if (Directory.Exists(Path.Combine(sample, "symbols")))
        {
            Directory.Delete(Path.Combine(sample, "symbols"), recursive: true);
        }

        var guest = new SyntheticGuest(SampleOptions);
        guest.WriteElf(Path.Combine(sample, "guest.elf"));
        GuestFixture.AddToStore(Path.Combine(sample, "symbols"), guest.Kernel.PdbPath);
    }

    [Fact]
    public async Task The_bundled_sample_is_small_and_converts_with_its_bundled_symbols()
    {
        var sample = RepositoryPaths.PluginSample;
        var elf = Path.Combine(sample, "guest.elf");
        Assert.True(File.Exists(elf), "the bundled sample is missing: run the tests with ELF2DMP_WRITE_SAMPLE=1");
        Assert.True(new FileInfo(elf).Length < 2 << 20);
        using var folder = new TestFolder();

        var result = await new DumpConverter().ConvertAsync(elf, folder.File("sample.dmp"), new ConversionOptions { SymbolPath = Path.Combine(sample, "symbols") });

        Assert.Equal(DirectoryTableBaseSource.KernelModeCpu, result.DirectoryTableBase.Source);
        Assert.True(result.KdbgWasEncoded);
        using var dump = DumpFile.Open(folder.File("sample.dmp"));
        Assert.Equal(2u, dump.Header.NumberProcessors);
        Assert.Equal(SyntheticGuest.KernelBase, result.KernelBase);
    }
}
