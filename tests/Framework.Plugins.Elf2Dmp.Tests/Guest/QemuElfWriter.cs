using System.Buffers.Binary;

namespace Framework.Plugins.Elf2Dmp.Tests.Guest;

/// <summary>
/// Writes guest memory and CPU state in the layout of QEMU's dump-guest-memory without paging: ELF
/// header, one PT_NOTE then one PT_LOAD per RAM block (p_paddr = guest-physical, p_vaddr = 0), then
/// the notes (an NT_PRSTATUS "CORE" note per CPU, then a "QEMU" QEMUCPUState note per CPU), then
/// the memory right after the notes. ELFCLASS64/EM_X86_64, or ELFCLASS32/EM_386 as QEMU writes for a
/// guest that is not in long mode.
/// </summary>
public static class QemuElfWriter
{
    public static void Write(string path, GuestPhysicalMemory memory, IReadOnlyList<GuestCpu> cpus, bool longMode = true, bool withKernelGsBase = true)
    {
        var blocks = memory.Blocks.ToList();
        var phnum = 1 + blocks.Count;
        var ehsize = longMode ? 64 : 52;
        var phentsize = longMode ? 56 : 32;
        var notes = BuildNotes(cpus, longMode, withKernelGsBase);
        var noteOffset = ehsize + (phnum * phentsize);
        var memoryOffset = (ulong)(noteOffset + notes.Length);

        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        var header = new byte[ehsize];
        header[0] = 0x7f;
        header[1] = (byte)'E';
        header[2] = (byte)'L';
        header[3] = (byte)'F';
        header[4] = (byte)(longMode ? 2 : 1);
        header[5] = 1;
        header[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(16), 4);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(18), (ushort)(longMode ? 62 : 3));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), 1);
        if (longMode)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(32), 64);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(52), 64);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(54), 56);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(56), (ushort)phnum);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(58), 64);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(28), 52);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(40), 52);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(42), 32);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(44), (ushort)phnum);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(46), 40);
        }

        file.Write(header);
        file.Write(ProgramHeader(longMode, 4, (ulong)noteOffset, 0, (ulong)notes.Length));
        var offset = memoryOffset;
        foreach (var (address, bytes) in blocks)
        {
            file.Write(ProgramHeader(longMode, 1, offset, address, (ulong)bytes.Length));
            offset += (ulong)bytes.Length;
        }

        file.Write(notes);
        foreach (var (_, bytes) in blocks)
        {
            file.Write(bytes);
        }
    }

    private static byte[] ProgramHeader(bool longMode, uint type, ulong offset, ulong paddr, ulong size)
    {
        var ph = new byte[longMode ? 56 : 32];
        var span = ph.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, type);
        if (longMode)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[8..], offset);
            BinaryPrimitives.WriteUInt64LittleEndian(span[24..], paddr);
            BinaryPrimitives.WriteUInt64LittleEndian(span[32..], size);
            BinaryPrimitives.WriteUInt64LittleEndian(span[40..], size);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span[4..], (uint)offset);
            BinaryPrimitives.WriteUInt32LittleEndian(span[12..], (uint)paddr);
            BinaryPrimitives.WriteUInt32LittleEndian(span[16..], (uint)size);
            BinaryPrimitives.WriteUInt32LittleEndian(span[20..], (uint)size);
        }

        return ph;
    }

    private static byte[] BuildNotes(IReadOnlyList<GuestCpu> cpus, bool longMode, bool withKernelGsBase)
    {
        using var notes = new MemoryStream();
        for (var i = 0; i < cpus.Count; i++)
        {
            WriteNote(notes, "CORE", 1, PrStatus(cpus[i], i, longMode));
        }

        foreach (var cpu in cpus)
        {
            WriteNote(notes, "QEMU", 0, CpuState(cpu, withKernelGsBase));
        }

        return notes.ToArray();
    }

    private static void WriteNote(Stream stream, string name, uint type, byte[] desc)
    {
        var nameBytes = System.Text.Encoding.ASCII.GetBytes(name + "\0");
        var header = new byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)nameBytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)desc.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), type);
        stream.Write(header);
        stream.Write(nameBytes);
        stream.Write(new byte[((nameBytes.Length + 3) & ~3) - nameBytes.Length]);
        stream.Write(desc);
        stream.Write(new byte[((desc.Length + 3) & ~3) - desc.Length]);
    }

    public static byte[] PrStatus(GuestCpu cpu, int index, bool longMode)
    {
        var r = cpu.Registers;
        var s = cpu.Selectors;
        if (longMode)
        {
            var data = new byte[336];
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(32), (uint)(index + 1));
            // user_regs_struct: r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi orig_rax rip cs eflags rsp ss fs_base gs_base ds es fs gs
            ulong[] regs = [r[15], r[14], r[13], r[12], r[7], r[1], r[11], r[10], r[9], r[8], r[0], r[2], r[3], r[4], r[5], r[0], r[16], s[0], r[17], r[6], s[5], cpu.FsBase, cpu.GsBase, s[1], s[2], s[3], s[4]];
            for (var i = 0; i < regs.Length; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(112 + (i * 8)), regs[i]);
            }

            return data;
        }
        else
        {
            var data = new byte[144];
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(24), (uint)(index + 1));
            // ebx ecx edx esi edi ebp eax ds es fs gs orig_eax eip cs eflags esp ss
            ulong[] regs = [r[1], r[2], r[3], r[4], r[5], r[7], r[0], s[1], s[2], s[3], s[4], r[0], r[16], s[0], r[17], r[6], s[5]];
            for (var i = 0; i < regs.Length; i++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(72 + (i * 4)), (uint)regs[i]);
            }

            return data;
        }
    }

    public static byte[] CpuState(GuestCpu cpu, bool withKernelGsBase, uint version = 1)
    {
        var size = withKernelGsBase ? 440 : 432;
        var data = new byte[size];
        var span = data.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, version);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], (uint)size);
        for (var i = 0; i < 18; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[(8 + (i * 8))..], cpu.Registers[i]);
        }

        // cs ds es fs gs ss ldt tr gdt idt
        var at = 8 + (18 * 8);
        ulong[] bases = [0, 0, 0, cpu.FsBase, cpu.GsBase, 0, 0, 0, cpu.GdtBase, cpu.IdtBase];
        for (var i = 0; i < 10; i++, at += 24)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span[at..], i < 6 ? cpu.Selectors[i] : 0u);
            BinaryPrimitives.WriteUInt32LittleEndian(span[(at + 4)..], i >= 8 ? 0xfffu : 0xffff_ffffu);
            BinaryPrimitives.WriteUInt64LittleEndian(span[(at + 16)..], bases[i]);
        }

        ulong[] control = [cpu.Cr0, 0, 0, cpu.Cr3, cpu.Cr4];
        for (var i = 0; i < 5; i++, at += 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[at..], control[i]);
        }

        if (withKernelGsBase)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[at..], cpu.KernelGsBase);
        }

        return data;
    }
}
