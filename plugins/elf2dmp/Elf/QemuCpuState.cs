using System.Buffers.Binary;

namespace Framework.Plugins.Elf2Dmp.Elf;

/// <summary>
/// The per-CPU state QEMU appends to its dumps as a "QEMU" note (QEMUCPUState): general registers,
/// segments with bases, GDTR, IDTR, CR0 to CR4 and, in newer QEMU, KERNEL_GS_BASE. QEMU adds fields
/// at the end without changing the version, so the size field tells which are present.
/// </summary>
public sealed class QemuCpuState
{
    /// <summary>The only version QEMU has written so far.</summary>
    public const uint SupportedVersion = 1;

    /// <summary>The size of version 1 without KERNEL_GS_BASE.</summary>
    public const int SizeWithoutKernelGsBase = 8 + (18 * 8) + (10 * QemuCpuSegment.Size) + (5 * 8);

    /// <summary>The size of version 1 with KERNEL_GS_BASE.</summary>
    public const int SizeWithKernelGsBase = SizeWithoutKernelGsBase + 8;

    private QemuCpuState(ulong[] registers, QemuCpuSegment[] segments, ulong[] controlRegisters, uint version, uint size, ulong? kernelGsBase)
    {
        GeneralRegisters = registers;
        Segments = segments;
        ControlRegisters = controlRegisters;
        Version = version;
        Size = size;
        KernelGsBase = kernelGsBase;
    }

    /// <summary>The version field.</summary>
    public uint Version { get; }

    /// <summary>The size field (bytes of the structure QEMU wrote).</summary>
    public uint Size { get; }

    /// <summary>rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp, r8 to r15, rip, rflags, in QEMU's order.</summary>
    public IReadOnlyList<ulong> GeneralRegisters { get; }

    /// <summary>cs, ds, es, fs, gs, ss, ldt, tr, gdt, idt, in QEMU's order.</summary>
    public IReadOnlyList<QemuCpuSegment> Segments { get; }

    /// <summary>CR0 to CR4.</summary>
    public IReadOnlyList<ulong> ControlRegisters { get; }

    /// <summary>The KERNEL_GS_BASE MSR, or null when the note predates it.</summary>
    public ulong? KernelGsBase { get; }

#pragma warning disable CS1591 // Register accessors are named after the registers.
    public ulong Rax => GeneralRegisters[0];
    public ulong Rbx => GeneralRegisters[1];
    public ulong Rcx => GeneralRegisters[2];
    public ulong Rdx => GeneralRegisters[3];
    public ulong Rsi => GeneralRegisters[4];
    public ulong Rdi => GeneralRegisters[5];
    public ulong Rsp => GeneralRegisters[6];
    public ulong Rbp => GeneralRegisters[7];
    public ulong R8 => GeneralRegisters[8];
    public ulong R9 => GeneralRegisters[9];
    public ulong R10 => GeneralRegisters[10];
    public ulong R11 => GeneralRegisters[11];
    public ulong R12 => GeneralRegisters[12];
    public ulong R13 => GeneralRegisters[13];
    public ulong R14 => GeneralRegisters[14];
    public ulong R15 => GeneralRegisters[15];
    public ulong Rip => GeneralRegisters[16];
    public ulong Rflags => GeneralRegisters[17];
    public QemuCpuSegment Cs => Segments[0];
    public QemuCpuSegment Ds => Segments[1];
    public QemuCpuSegment Es => Segments[2];
    public QemuCpuSegment Fs => Segments[3];
    public QemuCpuSegment Gs => Segments[4];
    public QemuCpuSegment Ss => Segments[5];
    public QemuCpuSegment Ldt => Segments[6];
    public QemuCpuSegment Tr => Segments[7];
    public QemuCpuSegment Gdt => Segments[8];
    public QemuCpuSegment Idt => Segments[9];
    public ulong Cr3 => ControlRegisters[3];
#pragma warning restore CS1591

    /// <summary>Whether the CPU was running kernel code: CS has privilege level 0 and GS points
    /// into the kernel half (where Windows keeps the KPCR).</summary>
    public bool IsKernelMode => (Cs.Selector & 3) == 0 && (Gs.Base >> 63) != 0;

    /// <summary>Parses the descriptor of a "QEMU" note.</summary>
    /// <param name="data">The note's descriptor.</param>
    /// <param name="offset">The descriptor's file offset, for messages.</param>
    /// <exception cref="Elf2DmpException">Unknown version, or a size that disagrees with the note.</exception>
    public static QemuCpuState Parse(ReadOnlySpan<byte> data, ulong offset)
    {
        if (data.Length < 8)
        {
            throw new Elf2DmpException(Elf2DmpError.Truncated, "QEMUCPUState header", offset, $"the note has {data.Length} bytes, needs 8");
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(data);
        var size = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (version != SupportedVersion)
        {
            throw new Elf2DmpException(Elf2DmpError.Unsupported, "QEMUCPUState version", offset, $"version {version} is not the supported {SupportedVersion}");
        }

        if (size < SizeWithoutKernelGsBase || size > data.Length)
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "QEMUCPUState size", offset + 4,
                $"size {size} is below the minimum {SizeWithoutKernelGsBase} or beyond the note's {data.Length} bytes");
        }

        var registers = new ulong[18];
        var at = 8;
        for (var i = 0; i < registers.Length; i++, at += 8)
        {
            registers[i] = BinaryPrimitives.ReadUInt64LittleEndian(data[at..]);
        }

        var segments = new QemuCpuSegment[10];
        for (var i = 0; i < segments.Length; i++, at += QemuCpuSegment.Size)
        {
            segments[i] = new QemuCpuSegment(
                BinaryPrimitives.ReadUInt32LittleEndian(data[at..]),
                BinaryPrimitives.ReadUInt32LittleEndian(data[(at + 4)..]),
                BinaryPrimitives.ReadUInt32LittleEndian(data[(at + 8)..]),
                BinaryPrimitives.ReadUInt64LittleEndian(data[(at + 16)..]));
        }

        var control = new ulong[5];
        for (var i = 0; i < control.Length; i++, at += 8)
        {
            control[i] = BinaryPrimitives.ReadUInt64LittleEndian(data[at..]);
        }

        ulong? kernelGsBase = size >= SizeWithKernelGsBase ? BinaryPrimitives.ReadUInt64LittleEndian(data[at..]) : null;
        return new QemuCpuState(registers, segments, control, version, size, kernelGsBase);
    }
}
