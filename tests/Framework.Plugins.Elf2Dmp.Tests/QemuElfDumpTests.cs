using System.Buffers.Binary;
using Framework.Plugins.Elf2Dmp.Elf;
using Framework.Plugins.Elf2Dmp.Tests.Guest;

namespace Framework.Plugins.Elf2Dmp.Tests;

public sealed class QemuElfDumpTests : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static GuestPhysicalMemory SmallRam()
    {
        var ram = new GuestPhysicalMemory();
        ram.AddBlock(0, 0x2000);
        ram.AddBlock(0x100000, 0x1000);
        ram.Write(0x100000, "hello"u8);
        return ram;
    }

    private static GuestCpu Cpu(int i)
    {
        var cpu = new GuestCpu { Cr3 = 0x1000 + (ulong)i, IdtBase = 0xfffff800_00010000, GsBase = 0xfffff800_00100000, KernelGsBase = 0xd0_0000_0000 };
        for (var r = 0; r < 18; r++)
        {
            cpu.Registers[r] = (ulong)((i * 100) + r);
        }

        cpu.Selectors[0] = 0x10;
        return cpu;
    }

    [Fact]
    public void An_x86_64_dump_gives_segments_notes_and_CPU_state()
    {
        var path = _folder.File("a.elf");
        QemuElfWriter.Write(path, SmallRam(), [Cpu(0), Cpu(1)]);

        using var dump = QemuElfDump.Open(path);

        Assert.True(dump.IsLongMode);
        Assert.Equal(3, dump.Segments.Count);
        Assert.Equal([0UL, 0x100000UL], dump.Segments.Where(s => s.Type == ElfSegment.Load).Select(s => s.PhysicalAddress));
        Assert.Equal(2, dump.CpuStates.Count);
        var cpu1 = dump.CpuStates[1];
        Assert.Equal(100UL, cpu1.Rax);
        Assert.Equal(116UL, cpu1.Rip);
        Assert.Equal(0x1001UL, cpu1.Cr3);
        Assert.Equal(0xfffff800_00010000UL, cpu1.Idt.Base);
        Assert.Equal(0xfffff800_00100000UL, cpu1.Gs.Base);
        Assert.Equal(0xd0_0000_0000UL, cpu1.KernelGsBase);
        Assert.Equal((uint)QemuCpuState.SizeWithKernelGsBase, cpu1.Size);
        Assert.True(cpu1.IsKernelMode);
        Assert.Equal([1u, 2u], dump.PrStatus.Select(p => p.Pid));
        Assert.Equal(116UL, dump.PrStatus[1].Registers[16]); // rip in user_regs_struct order
        var load = dump.Segments[2];
        Assert.Equal("hello"u8.ToArray(), dump.File.Span((long)load.Offset, 5, "test").ToArray());
    }

    [Fact]
    public void An_older_QEMU_note_without_KERNEL_GS_BASE_is_accepted()
    {
        var path = _folder.File("a.elf");
        QemuElfWriter.Write(path, SmallRam(), [Cpu(0)], withKernelGsBase: false);

        using var dump = QemuElfDump.Open(path);

        Assert.Null(dump.CpuStates[0].KernelGsBase);
        Assert.Equal((uint)QemuCpuState.SizeWithoutKernelGsBase, dump.CpuStates[0].Size);
    }

    [Fact]
    public void An_EM_386_dump_with_32_bit_notes_is_read()
    {
        var path = _folder.File("a.elf");
        QemuElfWriter.Write(path, SmallRam(), [Cpu(0)], longMode: false);

        using var dump = QemuElfDump.Open(path);

        Assert.False(dump.IsLongMode);
        Assert.Equal(QemuElfDump.MachineI386, dump.Machine);
        Assert.Equal(16UL, dump.PrStatus[0].Registers[12]); // eip
        Assert.Equal(0x1000UL, dump.CpuStates[0].Cr3);
    }

    [Theory]
    [InlineData(2u, 440u, Elf2DmpError.Unsupported, "version")]
    [InlineData(1u, 100u, Elf2DmpError.InvalidData, "size")]
    [InlineData(1u, 100000u, Elf2DmpError.InvalidData, "size")]
    public void QEMUCPUState_version_and_size_are_checked(uint version, uint size, Elf2DmpError expected, string field)
    {
        var state = QemuElfWriter.CpuState(Cpu(0), withKernelGsBase: true, version);
        BinaryPrimitives.WriteUInt32LittleEndian(state.AsSpan(4), size);

        var error = Assert.Throws<Elf2DmpException>(() => QemuCpuState.Parse(state, 0x100));

        Assert.Equal(expected, error.Error);
        Assert.Contains($"QEMUCPUState {field}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_truncation_fails_with_a_typed_error()
    {
        var path = _folder.File("a.elf");
        QemuElfWriter.Write(path, SmallRam(), [Cpu(0), Cpu(1)]);
        var bytes = File.ReadAllBytes(path);
        var cut = _folder.File("cut.elf");
        for (var length = 0; length < bytes.Length; length += length < 2048 ? 7 : 1021)
        {
            File.WriteAllBytes(cut, bytes[..length]);
            var error = Assert.Throws<Elf2DmpException>(() => QemuElfDump.Open(cut).Dispose());
            Assert.NotEmpty(error.Field);
        }
    }

    [Fact]
    public void Random_header_and_note_mutations_parse_or_fail_with_typed_errors()
    {
        var path = _folder.File("a.elf");
        QemuElfWriter.Write(path, SmallRam(), [Cpu(0), Cpu(1)]);
        var original = File.ReadAllBytes(path);
        var random = new Random(42);
        var mutated = _folder.File("m.elf");
        for (var round = 0; round < 300; round++)
        {
            var bytes = (byte[])original.Clone();
            for (var i = 0; i < 1 + random.Next(4); i++)
            {
                bytes[random.Next(1200)] = (byte)random.Next(256);
            }

            File.WriteAllBytes(mutated, bytes);
            try
            {
                QemuElfDump.Open(mutated).Dispose();
            }
            catch (Elf2DmpException)
            {
            }
        }
    }

    [Fact]
    public void Files_that_are_not_QEMU_cores_are_refused()
    {
        var path = _folder.File("x");
        File.WriteAllBytes(path, "not an elf file at all, just text"u8.ToArray());
        Assert.Contains("not an ELF file", Assert.Throws<Elf2DmpException>(() => QemuElfDump.Open(path)).Message, StringComparison.Ordinal);
        File.WriteAllBytes(path, "PAGEDU64 and the rest of a crash dump"u8.ToArray());
        Assert.Contains("already a Windows crash dump", Assert.Throws<Elf2DmpException>(() => QemuElfDump.Open(path)).Message, StringComparison.Ordinal);
        File.WriteAllBytes(path, "KDUMP   and the rest of a kdump"u8.ToArray());
        Assert.Contains("kdump-compressed", Assert.Throws<Elf2DmpException>(() => QemuElfDump.Open(path)).Message, StringComparison.Ordinal);
        File.WriteAllBytes(path, []);
        Assert.Equal(Elf2DmpError.Truncated, Assert.Throws<Elf2DmpException>(() => QemuElfDump.Open(path)).Error);
        Assert.Equal(Elf2DmpError.Io, Assert.Throws<Elf2DmpException>(() => QemuElfDump.Open(_folder.File("missing"))).Error);
    }
}
