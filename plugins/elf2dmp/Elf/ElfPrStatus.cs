using System.Buffers.Binary;

namespace Framework.Plugins.Elf2Dmp.Elf;

/// <summary>
/// An NT_PRSTATUS note as QEMU writes it for each CPU: the CPU's number (pr_pid, from 1) and the
/// general registers in the Linux user_regs_struct order of the dump's class (27 64-bit values for
/// x86_64, 17 32-bit values for i386).
/// </summary>
/// <param name="Pid">pr_pid: QEMU writes the CPU index plus one.</param>
/// <param name="Registers">pr_reg, widened to 64 bits.</param>
public sealed record ElfPrStatus(uint Pid, IReadOnlyList<ulong> Registers)
{
    /// <summary>sizeof(x86_64 elf_prstatus) as QEMU writes it.</summary>
    public const int Size64 = 336;

    /// <summary>sizeof(i386 elf_prstatus) as QEMU writes it.</summary>
    public const int Size32 = 144;

    /// <summary>Parses the descriptor of an NT_PRSTATUS note.</summary>
    /// <exception cref="Elf2DmpException">The descriptor is shorter than the structure.</exception>
    public static ElfPrStatus Parse(ReadOnlySpan<byte> data, bool is64, ulong offset)
    {
        var need = is64 ? Size64 : Size32;
        if (data.Length < need)
        {
            throw new Elf2DmpException(Elf2DmpError.Truncated, "NT_PRSTATUS", offset, $"the note has {data.Length} bytes, needs {need}");
        }

        // pr_pid follows the signal info and pending/held masks: 32 bytes on x86_64, 24 on i386.
        var pid = BinaryPrimitives.ReadUInt32LittleEndian(data[(is64 ? 32 : 24)..]);
        var regsAt = is64 ? 112 : 72;
        var count = is64 ? 27 : 17;
        var registers = new ulong[count];
        for (var i = 0; i < count; i++)
        {
            registers[i] = is64
                ? BinaryPrimitives.ReadUInt64LittleEndian(data[(regsAt + (i * 8))..])
                : BinaryPrimitives.ReadUInt32LittleEndian(data[(regsAt + (i * 4))..]);
        }

        return new ElfPrStatus(pid, registers);
    }
}
