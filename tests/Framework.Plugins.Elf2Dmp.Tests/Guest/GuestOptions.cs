namespace Framework.Plugins.Elf2Dmp.Tests.Guest;

/// <summary>What the synthetic guest looks like.</summary>
public sealed record GuestOptions
{
    public int CpuCount { get; init; } = 4;

    /// <summary>CPU 0 was running user code under KVA shadowing: its CR3 is the user page table.</summary>
    public bool Cpu0UserMode { get; init; }

    /// <summary>The kernel keeps KdDebuggerDataBlock encoded (KdpDataBlockEncoded).</summary>
    public bool EncodedKdbg { get; init; }

    /// <summary>Write EM_386 / 32-bit notes as QEMU does when the guest is not in long mode.</summary>
    public bool LongMode { get; init; } = true;

    public bool WithKernelGsBase { get; init; } = true;

    /// <summary>Adds this many extra bytes of zeroed RAM in a high block (for size tests).</summary>
    public long ExtraRamBytes { get; init; }
}
