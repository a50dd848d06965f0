using System.Buffers.Binary;
using System.Security.Cryptography;
using Framework.Plugins.Elf2Dmp.Conversion;
using Framework.Plugins.Elf2Dmp.Dump;
using Framework.Plugins.Elf2Dmp.Kernel;
using Framework.Plugins.Elf2Dmp.Tests.Guest;

namespace Framework.Plugins.Elf2Dmp.Tests;

public sealed class ConversionTests
{
    private static async Task<(ConversionResult Result, SyntheticGuest Guest, List<string> Messages)> ConvertAsync(TestFolder folder, GuestOptions options)
    {
        var guest = new SyntheticGuest(options);
        var elf = folder.File("guest.elf");
        guest.WriteElf(elf);
        var store = folder.File("symbols");
        GuestFixture.AddToStore(store, guest.Kernel.PdbPath);
        var observer = new RecordingObserver();
        var result = await new DumpConverter().ConvertAsync(elf, folder.File("guest.dmp"), new ConversionOptions { SymbolPath = store }, observer);
        return (result, guest, observer.Messages);
    }

    [RequiresToolsFact]
    public async Task Converts_a_guest_with_a_plain_KDBG_and_reads_the_dump_back()
    {
        using var folder = new TestFolder();
        var (result, guest, messages) = await ConvertAsync(folder, new GuestOptions { CpuCount = 2 });

        Assert.Equal(SyntheticGuest.KernelBase, result.KernelBase);
        Assert.Equal(DirectoryTableBaseSource.Cpu0Cr3, result.DirectoryTableBase.Source);
        Assert.False(result.KdbgWasEncoded);
        Assert.Contains(messages, m => m.StartsWith("CPU #0 CR3 is 0x", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("KernBase = 0xfffff80002000000", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("symbol store key " + GuestFixture.KeyOf(guest.Kernel.ImagePath), StringComparison.Ordinal));

        using var dump = DumpFile.Open(folder.File("guest.dmp"));
        var h = dump.Header;
        Assert.Equal(0xfu, h.MajorVersion);
        Assert.Equal((uint)SyntheticGuest.BuildNumber, h.MinorVersion);
        Assert.Equal(guest.KernelTables.Root, h.DirectoryTableBase);
        Assert.Equal(SyntheticGuest.PfnDatabaseValue, h.PfnDataBase);
        Assert.Equal(guest.Symbol("PsLoadedModuleList"), h.PsLoadedModuleList);
        Assert.Equal(guest.Symbol("PsActiveProcessHead"), h.PsActiveProcessHead);
        Assert.Equal(DumpHeader64.MachineAmd64, h.MachineImageType);
        Assert.Equal(2u, h.NumberProcessors);
        Assert.Equal(DumpHeader64.LiveSystemDump, h.BugCheckCode);
        Assert.Equal(guest.Symbol("KdDebuggerDataBlock"), h.KdDebuggerDataBlock);
        Assert.Equal(SyntheticGuest.SystemTime, h.SystemTime);
        Assert.Equal(SyntheticGuest.ProductType, h.ProductType);
        Assert.Equal(SyntheticGuest.SuiteMask, h.SuiteMask);
        Assert.Equal(DumpHeader64.DumpTypeFull, h.DumpType);
        Assert.Equal([new(0, 0x80), new(0x200, 0x40), new(0x40000, 2)], h.Runs);
        Assert.Equal((long)h.RequiredDumpSpace, new FileInfo(folder.File("guest.dmp")).Length);

        // Every page of guest RAM is in the dump, unchanged except for the CPU contexts.
        foreach (var (address, bytes) in guest.Memory.Blocks)
        {
            var page = new byte[0x1000];
            Assert.True(dump.Physical.TryRead(address, page));
            Assert.Equal(bytes.AsSpan(0, 0x1000).ToArray(), page);
        }

        // The kernel's virtual space reads through the dump's own DTB: 2 MB, 1 GB and 4 KB pages.
        Assert.Equal((byte)'M', ReadVirtual(dump, SyntheticGuest.KernelBase, 1)[0]);
        Assert.Equal(SyntheticGuest.SystemTime, BinaryPrimitives.ReadUInt64LittleEndian(ReadVirtual(dump, KuserSharedData.Address + 0x14, 8)));
        Assert.Equal(guest.Symbol("KiDivideErrorFault") & 0xffff, BinaryPrimitives.ReadUInt16LittleEndian(ReadVirtual(dump, SyntheticGuest.IdtVa, 2)));
    }

    [RequiresToolsFact]
    public async Task Each_CPU_context_lands_in_its_KPRCB_context_in_the_output_only()
    {
        using var folder = new TestFolder();
        var guest = new SyntheticGuest(new GuestOptions { CpuCount = 3 });
        var elf = folder.File("guest.elf");
        guest.WriteElf(elf);
        var before = SHA256.HashData(File.ReadAllBytes(elf));
        var store = folder.File("symbols");
        GuestFixture.AddToStore(store, guest.Kernel.PdbPath);

        await new DumpConverter().ConvertAsync(elf, folder.File("guest.dmp"), new ConversionOptions { SymbolPath = store });

        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(elf)));
        using var dump = DumpFile.Open(folder.File("guest.dmp"));
        for (var cpu = 0; cpu < 3; cpu++)
        {
            var context = ReadVirtual(dump, SyntheticGuest.KpcrOf(cpu) + SyntheticGuest.ContextOffsetInKpcr, ProcessorContext.Size);
            Assert.Equal(ProcessorContext.Flags, BinaryPrimitives.ReadUInt32LittleEndian(context.AsSpan(ProcessorContext.ContextFlagsOffset)));
            Assert.Equal(guest.Cpus[cpu].Registers[0], BinaryPrimitives.ReadUInt64LittleEndian(context.AsSpan(ProcessorContext.RaxOffset)));
            Assert.Equal(guest.Cpus[cpu].Registers[6], BinaryPrimitives.ReadUInt64LittleEndian(context.AsSpan(ProcessorContext.RspOffset)));
            Assert.Equal(guest.Cpus[cpu].Registers[16], BinaryPrimitives.ReadUInt64LittleEndian(context.AsSpan(ProcessorContext.RipOffset)));
            Assert.Equal((ushort)0x10, BinaryPrimitives.ReadUInt16LittleEndian(context.AsSpan(ProcessorContext.SegCsOffset)));
        }

        Assert.Equal(guest.Cpus[0].Registers[16], BinaryPrimitives.ReadUInt64LittleEndian(dump.Header.ContextRecord.AsSpan(ProcessorContext.RipOffset)));
    }

    [RequiresToolsFact]
    public async Task An_encoded_KDBG_is_decoded_and_written_in_the_clear()
    {
        using var folder = new TestFolder();
        var (result, guest, messages) = await ConvertAsync(folder, new GuestOptions { EncodedKdbg = true });

        Assert.True(result.KdbgWasEncoded);
        Assert.Contains("Decoding KdDebuggerDataBlock...", messages);
        using var dump = DumpFile.Open(folder.File("guest.dmp"));
        Assert.Equal(guest.PlainKdbg, ReadVirtual(dump, guest.Symbol("KdDebuggerDataBlock"), guest.PlainKdbg.Length));
        Assert.Equal(guest.Symbol("PsActiveProcessHead"), dump.Header.PsActiveProcessHead);
    }

    [RequiresToolsFact]
    public async Task CPU0_in_user_mode_uses_another_CPU_in_kernel_mode()
    {
        using var folder = new TestFolder();
        var (result, guest, _) = await ConvertAsync(folder, new GuestOptions { CpuCount = 4, Cpu0UserMode = true });

        Assert.Equal(DirectoryTableBaseSource.KernelModeCpu, result.DirectoryTableBase.Source);
        Assert.Equal(1, result.DirectoryTableBase.Cpu);
        Assert.Equal(guest.KernelTables.Root, result.Header.DirectoryTableBase);
    }

    [RequiresToolsFact]
    public async Task A_lone_CPU_in_user_mode_under_KVA_shadowing_finds_the_kernel_DTB_through_its_KPCR()
    {
        using var folder = new TestFolder();
        var (result, guest, messages) = await ConvertAsync(folder, new GuestOptions { CpuCount = 1, Cpu0UserMode = true, EncodedKdbg = true });

        Assert.Equal(DirectoryTableBaseSource.KpcrShadow, result.DirectoryTableBase.Source);
        Assert.Equal(guest.KernelTables.Root, result.Header.DirectoryTableBase);
        Assert.Contains(messages, m => m.Contains("interrupt handling CR3", StringComparison.Ordinal));
        using var dump = DumpFile.Open(folder.File("guest.dmp"));
        var context = ReadVirtual(dump, SyntheticGuest.KpcrOf(0) + SyntheticGuest.ContextOffsetInKpcr, ProcessorContext.Size);
        Assert.Equal((ushort)0x33, BinaryPrimitives.ReadUInt16LittleEndian(context.AsSpan(ProcessorContext.SegCsOffset)));
    }

    [RequiresToolsFact]
    public async Task Without_KERNEL_GS_BASE_a_user_mode_CPU0_fails_clearly_and_leaves_no_output()
    {
        using var folder = new TestFolder();
        var (elf, store) = GuestFixture.Prepare(folder, new GuestOptions { CpuCount = 1, Cpu0UserMode = true, WithKernelGsBase = false });

        var error = await Assert.ThrowsAsync<Elf2DmpException>(() =>
            new DumpConverter().ConvertAsync(elf, folder.File("guest.dmp"), new ConversionOptions { SymbolPath = store }));

        Assert.Equal(Elf2DmpError.NotFound, error.Error);
        Assert.Contains("kernel page tables", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("guest.dmp")));
    }

    [RequiresToolsFact]
    public async Task A_dump_of_a_guest_not_in_long_mode_is_read_but_refused_for_conversion()
    {
        using var folder = new TestFolder();
        var (elf, store) = GuestFixture.Prepare(folder, new GuestOptions { CpuCount = 2, LongMode = false });

        using (var dump = Elf.QemuElfDump.Open(elf))
        {
            Assert.False(dump.Is64Bit);
            Assert.Equal(Elf.QemuElfDump.MachineI386, dump.Machine);
            Assert.Equal(2, dump.CpuStates.Count);
            Assert.Equal([1u, 2u], dump.PrStatus.Select(p => p.Pid));
        }

        var error = await Assert.ThrowsAsync<Elf2DmpException>(() =>
            new DumpConverter().ConvertAsync(elf, folder.File("guest.dmp"), new ConversionOptions { SymbolPath = store }));
        Assert.Equal(Elf2DmpError.Unsupported, error.Error);
        Assert.Contains("long mode", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("guest.dmp")));
    }

    internal static byte[] ReadVirtual(DumpFile dump, ulong address, int length)
    {
        var buffer = new byte[length];
        dump.KernelSpace.Read(address, buffer, "test read");
        return buffer;
    }

    private sealed class RecordingObserver : ConversionObserver
    {
        public List<string> Messages { get; } = [];

        public override void Message(string text) => Messages.Add(text);
    }
}
