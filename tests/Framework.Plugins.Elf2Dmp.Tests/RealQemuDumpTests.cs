using System.Buffers.Binary;
using Framework.Plugins.Elf2Dmp.Conversion;
using Framework.Plugins.Elf2Dmp.Dump;
using Framework.Plugins.Elf2Dmp.Elf;
using Framework.Plugins.Elf2Dmp.Kernel;
using Framework.Plugins.Elf2Dmp.Tests.Guest;

namespace Framework.Plugins.Elf2Dmp.Tests;

/// <summary>
/// A real VM: qemu-system-x86_64 (TCG) boots a multiboot stub built with clang and ld.lld that builds
/// the kernel's page tables and IDT, enters long mode, loads the IDT and GS bases and halts; the
/// lld-linked kernel image and the kernel's data (KDBG, KdVersionBlock, KUSER_SHARED_DATA, KPRCBs) from
/// the synthetic guest are placed by -device loader. Dumps are taken over QMP with
/// dump-guest-memory, before (real mode: EM_386, 32-bit notes) and after long mode, and converted.
/// </summary>
public sealed class RealQemuDumpTests
{
    [RequiresQemuFact]
    public async Task A_real_QEMU_dump_converts_end_to_end_and_a_real_mode_dump_is_refused()
    {
        using var folder = new TestFolder();
        var guest = new SyntheticGuest(new GuestOptions
        {
            CpuCount = 2, LowBase = 0x800000, CompactKuser = true, IdentityMapLow2M = true, EncodedKdbg = true,
        });
        var store = folder.File("symbols");
        GuestFixture.AddToStore(store, guest.Kernel.PdbPath);
        var realMode = folder.File("real-mode.elf");
        var longMode = folder.File("long-mode.elf");

        await using (var vm = await QemuMachine.StartAsync(folder.Path, guest, cpus: 2))
        {
            await vm.DumpAsync(realMode);
            await vm.ExecuteAsync("cont");
            await vm.WaitForMarkerAsync('K', TimeSpan.FromSeconds(60));
            await vm.ExecuteAsync("stop");
            await vm.DumpAsync(longMode);
        }

        using (var dump = QemuElfDump.Open(realMode))
        {
            Assert.False(dump.IsLongMode);
            Assert.Equal(QemuElfDump.MachineI386, dump.Machine);
            Assert.Equal(2, dump.CpuStates.Count);
        }

        var refused = await Assert.ThrowsAsync<Elf2DmpException>(() =>
            new DumpConverter().ConvertAsync(realMode, folder.File("real.dmp"), new ConversionOptions { SymbolPath = store }));
        Assert.Contains("long mode", refused.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("real.dmp")));

        var result = await new DumpConverter().ConvertAsync(longMode, folder.File("guest.dmp"), new ConversionOptions { SymbolPath = store });

        Assert.Equal(SyntheticGuest.KernelBase, result.KernelBase);
        Assert.Equal(DirectoryTableBaseSource.Cpu0Cr3, result.DirectoryTableBase.Source);
        Assert.True(result.KdbgWasEncoded);
        using var converted = DumpFile.Open(folder.File("guest.dmp"));
        var h = converted.Header;
        Assert.Equal(QemuMachine.StubPageTables, h.DirectoryTableBase);
        Assert.Equal(2u, h.NumberProcessors);
        Assert.Equal(guest.Symbol("KdDebuggerDataBlock"), h.KdDebuggerDataBlock);
        Assert.Equal(SyntheticGuest.SystemTime, h.SystemTime);
        Assert.InRange(h.Runs.Count, 1, DumpHeader64.MaxRuns);
        Assert.InRange(h.NumberOfPages * 0x1000, 15UL << 20, 17UL << 20);
        Assert.Contains(h.Runs, r => r.BasePage <= SyntheticGuest.KernelPhysical / 0x1000 && r.BasePage + r.PageCount > SyntheticGuest.KernelPhysical / 0x1000);
        var context = ConversionTests.ReadVirtual(converted, SyntheticGuest.KpcrOf(0) + SyntheticGuest.ContextOffsetInKpcr, ProcessorContext.Size);
        Assert.Equal(0x1122334455667788UL, BinaryPrimitives.ReadUInt64LittleEndian(context.AsSpan(0x90)));
        Assert.Equal(0xcafebabe00c0ffeeUL, BinaryPrimitives.ReadUInt64LittleEndian(context.AsSpan(0xf0)));
        Assert.InRange(BinaryPrimitives.ReadUInt64LittleEndian(context.AsSpan(ProcessorContext.RipOffset)), 0x100000UL, 0x101000UL);
        Assert.Equal(guest.PlainKdbg, ConversionTests.ReadVirtual(converted, guest.Symbol("KdDebuggerDataBlock"), guest.PlainKdbg.Length));
    }
}
