using Framework.Abstractions.Commands;
using Microsoft.Extensions.DependencyInjection;
using Framework.Plugins.Elf2Dmp.Cli;
using Framework.Plugins.Elf2Dmp.Tests.Guest;

namespace Framework.Plugins.Elf2Dmp.Tests;

public sealed class CliTests
{
    private static readonly IServiceProvider NoServices = new ServiceCollection().BuildServiceProvider();

    [RequiresToolsFact]
    public async Task Convert_prints_each_stage_like_QEMU_and_shows_progress()
    {
        using var folder = new TestFolder();
        var (elf, store) = GuestFixture.Prepare(folder, new GuestOptions { CpuCount = 2, EncodedKdbg = true });

        var (code, console) = await FakePluginBuilder.RunAsync(Elf2DmpCommands.Create(), NoServices, "convert", new()
        {
            ["input"] = [elf],
            ["output"] = [folder.File("out.dmp")],
            ["--symbol-path"] = [store],
            ["--flush"] = ["true"],
        });

        Assert.Equal(0, code);
        var output = console.Output;
        foreach (var expected in new[] { "CPU #0 CR3 is 0x", "CPU #0 IDT is at 0x", "CPU #0 IDT[0] -> 0x", "KernBase = 0xfffff80002000000",
            "PDB name is 'ntkrnlmp.pdb'", "symbol store key ", "KdDebuggerDataBlock = 0x", "Decoding KdDebuggerDataBlock...", "Filling context for CPU #1", "Wrote " })
        {
            Assert.Contains(expected, output, StringComparison.Ordinal);
        }

        var progress = Assert.Single(console.Progress);
        Assert.Equal(1000, progress.Last);
        Assert.True(progress.Disposed);
    }

    [RequiresToolsFact]
    public async Task Inspect_shows_header_runs_and_translations()
    {
        using var folder = new TestFolder();
        var (elf, store) = GuestFixture.Prepare(folder, new GuestOptions { CpuCount = 2 });
        var verb = Elf2DmpCommands.Create();
        await FakePluginBuilder.RunAsync(verb, NoServices, "convert", new() { ["input"] = [elf], ["output"] = [folder.File("out.dmp")], ["--symbol-path"] = [store] });

        var (code, console) = await FakePluginBuilder.RunAsync(verb, NoServices, "inspect", new()
        {
            ["dump"] = [folder.File("out.dmp")],
            ["--translate"] = ["0xfffff80002000010,fffff780`00000014", "0xfffff80000010000", "0xffff900000000000"],
        });

        Assert.Equal(0, code);
        var header = console.Tables.Single(t => t.Title == "Dump header").Rows.ToDictionary(r => r[0], r => r[1]);
        Assert.Equal("15.19041", header["MajorVersion.MinorVersion"]);
        Assert.Equal("2", header["NumberProcessors"]);
        Assert.EndsWith("(OwnerTag KDBG)", header["KdDebuggerDataBlock"], StringComparison.Ordinal);
        Assert.Equal("1 (full)", header["DumpType"]);
        Assert.Equal(4, console.Tables.Single(t => t.Title == "Physical memory runs").Rows.Count);
        var translations = console.Tables.Single(t => t.Title!.StartsWith("Translation", StringComparison.Ordinal)).Rows;
        Assert.Equal(["0x0000000000200010", "2 MB"], translations[0].Skip(2));
        Assert.Equal(["0x0000000040000014", "1 GB"], translations[1].Skip(2));
        Assert.Equal(["0x000000000001f000", "4 KB"], translations[2].Skip(2));
        Assert.Equal("-", translations[3][2]);
        Assert.Contains("not present", translations[3][3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_files_and_bad_addresses_are_usage_errors()
    {
        await Assert.ThrowsAsync<CommandUsageException>(() => FakePluginBuilder.RunAsync(Elf2DmpCommands.Create(), NoServices, "convert",
            new() { ["input"] = ["/no/such.elf"], ["output"] = ["/tmp/x.dmp"] }));
        using var folder = new TestFolder();
        File.WriteAllBytes(folder.File("x.dmp"), new byte[16]);
        await Assert.ThrowsAsync<CommandUsageException>(() => FakePluginBuilder.RunAsync(Elf2DmpCommands.Create(), NoServices, "inspect",
            new() { ["dump"] = [folder.File("x.dmp")], ["--translate"] = ["zz"] }));
    }

    [Fact]
    public async Task A_file_that_is_not_a_dump_fails_with_exit_code_1_and_a_message()
    {
        using var folder = new TestFolder();
        File.WriteAllBytes(folder.File("x.dmp"), new byte[0x2000]);

        var (code, console) = await FakePluginBuilder.RunAsync(Elf2DmpCommands.Create(), NoServices, "inspect", new() { ["dump"] = [folder.File("x.dmp")] });

        Assert.Equal(1, code);
        Assert.Contains("not a 64-bit Windows kernel dump", console.Errors, StringComparison.Ordinal);
    }
}
