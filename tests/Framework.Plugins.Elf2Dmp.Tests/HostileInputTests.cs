using System.Buffers.Binary;
using Framework.Plugins.Elf2Dmp.Conversion;
using Framework.Plugins.Elf2Dmp.Dump;
using Framework.Plugins.Elf2Dmp.Tests.Guest;

namespace Framework.Plugins.Elf2Dmp.Tests;

/// <summary>Broken guests and files: each fails with a typed error naming what was wrong, promptly,
/// and leaves nothing in the output folder.</summary>
public sealed class HostileInputTests
{
    private static async Task<Elf2DmpException> FailsAsync(SyntheticGuest guest, TestFolder folder, string? symbols = null)
    {
        var elf = folder.File("guest.elf");
        guest.WriteElf(elf);
        var store = folder.File("symbols");
        GuestFixture.AddToStore(store, guest.Kernel.PdbPath);
        var output = Directory.CreateDirectory(folder.File("out")).FullName;
        var error = await Assert.ThrowsAsync<Elf2DmpException>(() =>
            new DumpConverter().ConvertAsync(elf, Path.Combine(output, "guest.dmp"), new ConversionOptions { SymbolPath = symbols ?? store }));
        Assert.Empty(Directory.GetFiles(output));
        return error;
    }

    [RequiresToolsFact]
    public async Task A_KDBG_with_a_wrong_OwnerTag_is_refused_after_trying_to_decode_it()
    {
        using var folder = new TestFolder();
        var guest = new SyntheticGuest(new GuestOptions());
        guest.Memory.WriteUInt32(guest.KernelPhysicalOf(guest.Symbol("KdDebuggerDataBlock")) + 0x10, 0x41414141);

        var error = await FailsAsync(guest, folder);

        Assert.Equal(Elf2DmpError.InvalidData, error.Error);
        Assert.Contains("KDBG OwnerTag", error.Message, StringComparison.Ordinal);
        Assert.Contains("after decoding", error.Message, StringComparison.Ordinal);
    }

    [RequiresToolsFact]
    public async Task An_encoded_KDBG_with_wrong_keys_is_refused()
    {
        using var folder = new TestFolder();
        var guest = new SyntheticGuest(new GuestOptions { EncodedKdbg = true });
        guest.Memory.WriteUInt64(guest.KernelPhysicalOf(guest.Symbol("KiWaitNever")), 12345);

        var error = await FailsAsync(guest, folder);

        Assert.Contains("KDBG OwnerTag", error.Message, StringComparison.Ordinal);
    }

    [RequiresToolsFact]
    public async Task A_KDBG_with_an_absurd_size_is_refused()
    {
        using var folder = new TestFolder();
        var guest = new SyntheticGuest(new GuestOptions());
        guest.Memory.WriteUInt32(guest.KernelPhysicalOf(guest.Symbol("KdDebuggerDataBlock")) + 0x14, 0x7fff_fff8);

        var error = await FailsAsync(guest, folder);

        Assert.Contains("KDBG Size", error.Message, StringComparison.Ordinal);
    }

    [RequiresToolsFact]
    public async Task A_KiProcessorBlock_pointing_outside_memory_is_a_bad_address()
    {
        using var folder = new TestFolder();
        var guest = new SyntheticGuest(new GuestOptions { CpuCount = 2 });
        guest.Memory.WriteUInt64(guest.KernelPhysicalOf(guest.Symbol("KiProcessorBlock")) + 8, 0xffff_9999_0000_0000);

        var error = await FailsAsync(guest, folder);

        Assert.Equal(Elf2DmpError.BadAddress, error.Error);
        Assert.Contains("CPU #1 KPRCB Context", error.Message, StringComparison.Ordinal);
    }

    [RequiresToolsFact]
    public async Task An_IDT_outside_memory_is_a_bad_address()
    {
        using var folder = new TestFolder();
        var guest = new SyntheticGuest(new GuestOptions());
        guest.Cpus[0].IdtBase = 0xffff_a000_0000_0000;

        var error = await FailsAsync(guest, folder);

        Assert.Equal(Elf2DmpError.BadAddress, error.Error);
        Assert.Contains("IDT[0]", error.Message, StringComparison.Ordinal);
    }

    [RequiresToolsFact]
    public async Task Page_tables_that_loop_back_do_not_hang_the_conversion()
    {
        using var folder = new TestFolder();
        var guest = new SyntheticGuest(new GuestOptions());
        // Remove the image's MZ and make every free PML4 slot point back at the PML4: the scan meets
        // mapped pages everywhere and must give up by its page budget.
        guest.Memory.Write(SyntheticGuest.KernelPhysical, "XX"u8);
        for (var i = 0; i < 512; i++)
        {
            var entry = guest.KernelTables.Root + ((ulong)i * 8);
            if (guest.Memory.ReadUInt64(entry) == 0)
            {
                guest.Memory.WriteUInt64(entry, guest.KernelTables.Root | 3);
            }
        }

        var error = await FailsAsync(guest, folder);

        Assert.Equal(Elf2DmpError.NotFound, error.Error);
        Assert.Contains("kernel image", error.Message, StringComparison.Ordinal);
    }

    [RequiresToolsFact]
    public async Task A_mangled_PE_header_is_refused()
    {
        using var folder = new TestFolder();
        var guest = new SyntheticGuest(new GuestOptions());
        var lfanew = BinaryPrimitives.ReadInt32LittleEndian(guest.Memory.Span(SyntheticGuest.KernelPhysical + 0x3c, 4));
        // Keep MZ/PE so the scan stops here, but corrupt the optional header's SizeOfImage.
        guest.Memory.WriteUInt32(SyntheticGuest.KernelPhysical + (ulong)lfanew + 80, 0xffff_ffff);

        var error = await FailsAsync(guest, folder);

        Assert.Contains("SizeOfImage", error.Message, StringComparison.Ordinal);
    }

    [RequiresToolsFact]
    public async Task A_PE_without_a_debug_directory_is_refused()
    {
        using var folder = new TestFolder();
        var guest = new SyntheticGuest(new GuestOptions());
        var lfanew = BinaryPrimitives.ReadInt32LittleEndian(guest.Memory.Span(SyntheticGuest.KernelPhysical + 0x3c, 4));
        // Data directory 6 (debug) of a PE32+ optional header is at offset 112 + 6 * 8.
        guest.Memory.WriteUInt64(SyntheticGuest.KernelPhysical + (ulong)lfanew + 24 + 112 + 48, 0);

        var error = await FailsAsync(guest, folder);

        Assert.Equal(Elf2DmpError.NotFound, error.Error);
        Assert.Contains("CodeView", error.Message, StringComparison.Ordinal);
    }

    [RequiresToolsFact]
    public async Task A_corrupt_PDB_in_the_store_is_reported()
    {
        using var folder = new TestFolder();
        var guest = new SyntheticGuest(new GuestOptions());
        var store = folder.File("badstore");
        var target = GuestFixture.AddToStore(store, guest.Kernel.PdbPath);
        var bytes = File.ReadAllBytes(target);
        bytes[0x2c] = 0xff; // NumDirectoryBytes
        bytes[0x2d] = 0xff;
        File.WriteAllBytes(target, bytes);

        var error = await FailsAsync(guest, folder, store);

        Assert.Contains("MSF", error.Message, StringComparison.Ordinal);
    }

    [RequiresToolsFact]
    public async Task Truncated_and_mutated_dumps_never_crash_or_leave_output()
    {
        using var folder = new TestFolder();
        var guest = new SyntheticGuest(new GuestOptions { CpuCount = 2, EncodedKdbg = true });
        var elf = folder.File("guest.elf");
        guest.WriteElf(elf);
        var store = folder.File("symbols");
        GuestFixture.AddToStore(store, guest.Kernel.PdbPath);
        var original = File.ReadAllBytes(elf);
        var output = Directory.CreateDirectory(folder.File("out")).FullName;
        var bad = folder.File("bad.elf");
        var random = new Random(7);
        var converter = new DumpConverter();
        var options = new ConversionOptions { SymbolPath = store };
        for (var round = 0; round < 60; round++)
        {
            byte[] bytes;
            if (round % 3 == 0)
            {
                bytes = original[..random.Next(original.Length)];
            }
            else
            {
                bytes = (byte[])original.Clone();
                for (var i = 0; i < 1 + random.Next(6); i++)
                {
                    // Headers and notes, or the structures in memory the conversion reads.
                    var at = random.Next(2) == 0 ? random.Next(2400) : random.Next(bytes.Length);
                    bytes[at] = (byte)random.Next(256);
                }
            }

            File.WriteAllBytes(bad, bytes);
            var target = Path.Combine(output, "bad.dmp");
            try
            {
                await converter.ConvertAsync(bad, target, options);
                File.Delete(target);
            }
            catch (Elf2DmpException)
            {
                Assert.False(File.Exists(target));
            }

            Assert.Empty(Directory.GetFiles(output));
        }
    }

    [RequiresToolsFact]
    public async Task Cancelling_the_write_leaves_no_partial_dump()
    {
        using var folder = new TestFolder();
        var (elf, store) = GuestFixture.Prepare(folder, new GuestOptions());
        var output = Directory.CreateDirectory(folder.File("out")).FullName;
        using var cancel = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new DumpConverter().ConvertAsync(elf, Path.Combine(output, "x.dmp"),
            new ConversionOptions { SymbolPath = store }, new CancelOnWrite(cancel), cancel.Token));

        Assert.Empty(Directory.GetFiles(output));
    }

    [RequiresToolsFact]
    public async Task An_output_in_a_missing_folder_is_a_usage_error_naming_the_folder()
    {
        using var folder = new TestFolder();
        var (elf, store) = GuestFixture.Prepare(folder, new GuestOptions());

        var error = await Assert.ThrowsAsync<Framework.Abstractions.Commands.CommandUsageException>(() => new DumpConverter().ConvertAsync(elf, folder.File("missing/dir/x.dmp"), new ConversionOptions { SymbolPath = store }));

        Assert.Contains("missing/dir", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_headers_with_lying_runs_are_refused()
    {
        using var folder = new TestFolder();
        var header = new DumpHeader64 { DirectoryTableBase = 0x1000 };
        header.Runs.Add(new Memory.MemoryRun(0, 4));
        var bytes = header.ToBytes();
        File.WriteAllBytes(folder.File("short.dmp"), bytes);
        Assert.Equal(Elf2DmpError.Truncated, Assert.Throws<Elf2DmpException>(() => DumpFile.Open(folder.File("short.dmp"))).Error);

        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(DumpHeader64.PhysicalMemoryBlockOffset), 1000);
        File.WriteAllBytes(folder.File("runs.dmp"), bytes);
        Assert.Contains("NumberOfRuns", Assert.Throws<Elf2DmpException>(() => DumpFile.Open(folder.File("runs.dmp"))).Message, StringComparison.Ordinal);

        header.Runs.Clear();
        header.Runs.Add(new Memory.MemoryRun(ulong.MaxValue / 0x1000, 0x10_0000_0000));
        File.WriteAllBytes(folder.File("huge.dmp"), header.ToBytes());
        Assert.Throws<Elf2DmpException>(() => DumpFile.Open(folder.File("huge.dmp")));
    }

    private sealed class CancelOnWrite(CancellationTokenSource cancel) : ConversionObserver
    {
        public override void StageStarted(ConversionStage stage)
        {
            if (stage == ConversionStage.Write)
            {
                cancel.Cancel();
            }
        }
    }
}
