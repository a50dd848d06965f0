using System.Buffers.Binary;
using Framework.Plugins.Elf2Dmp.Elf;

namespace Framework.Plugins.Elf2Dmp.Kernel;

/// <summary>
/// The x64 CONTEXT record (0x4d0 bytes) a debugger reads a processor's registers from, filled from
/// QEMU's CPU state: control, integer and segment registers, and the initial MXCSR.
/// </summary>
public static class ProcessorContext
{
    /// <summary>sizeof(CONTEXT) on x64.</summary>
    public const int Size = 0x4d0;

    /// <summary>CONTEXT_AMD64 | CONTROL | INTEGER | SEGMENTS.</summary>
    public const uint Flags = 0x0010_0007;

    /// <summary>MXCSR after reset: all exceptions masked.</summary>
    public const uint InitialMxCsr = 0x1f80;

#pragma warning disable CS1591 // Field offsets.
    public const int ContextFlagsOffset = 0x30;
    public const int SegCsOffset = 0x38;
    public const int EFlagsOffset = 0x44;
    public const int RaxOffset = 0x78;
    public const int RspOffset = 0x98;
    public const int RipOffset = 0xf8;
#pragma warning restore CS1591

    /// <summary>Builds the record for one CPU.</summary>
    public static byte[] FromCpuState(QemuCpuState cpu)
    {
        var context = new byte[Size];
        var span = context.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span[ContextFlagsOffset..], Flags);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x34..], InitialMxCsr);
        ushort[] segments = [(ushort)cpu.Cs.Selector, (ushort)cpu.Ds.Selector, (ushort)cpu.Es.Selector, (ushort)cpu.Fs.Selector, (ushort)cpu.Gs.Selector, (ushort)cpu.Ss.Selector];
        for (var i = 0; i < segments.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span[(SegCsOffset + (i * 2))..], segments[i]);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(span[EFlagsOffset..], (uint)cpu.Rflags);
        // Rax, Rcx, Rdx, Rbx, Rsp, Rbp, Rsi, Rdi, R8..R15, Rip: the CONTEXT order, not QEMU's.
        ulong[] integer = [cpu.Rax, cpu.Rcx, cpu.Rdx, cpu.Rbx, cpu.Rsp, cpu.Rbp, cpu.Rsi, cpu.Rdi,
            cpu.R8, cpu.R9, cpu.R10, cpu.R11, cpu.R12, cpu.R13, cpu.R14, cpu.R15, cpu.Rip];
        for (var i = 0; i < integer.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[(RaxOffset + (i * 8))..], integer[i]);
        }

        // FltSave (XMM_SAVE_AREA32) starts at 0x100; its MxCsr is at offset 24.
        BinaryPrimitives.WriteUInt32LittleEndian(span[(0x100 + 24)..], InitialMxCsr);
        return context;
    }
}
