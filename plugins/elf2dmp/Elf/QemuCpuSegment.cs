namespace Framework.Plugins.Elf2Dmp.Elf;

/// <summary>A segment register or descriptor-table register as QEMU saves it (QEMUCPUSegment).</summary>
/// <param name="Selector">The selector (0 for GDTR and IDTR).</param>
/// <param name="Limit">The limit.</param>
/// <param name="Flags">The descriptor flags as QEMU keeps them.</param>
/// <param name="Base">The base address.</param>
public readonly record struct QemuCpuSegment(uint Selector, uint Limit, uint Flags, ulong Base)
{
    /// <summary>The size of the structure in the note: selector, limit, flags, pad, base.</summary>
    public const int Size = 24;
}
