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

    /// <summary>Where the low block (page tables, IDT, KPCRs) starts; QEMU boots need it clear of the BIOS.</summary>
    public ulong LowBase { get; init; }

    /// <summary>Map KUSER_SHARED_DATA through a 4 KB page inside the low block instead of a 1 GB page at 1 GiB,
    /// so that a small real VM holds every structure.</summary>
    public bool CompactKuser { get; init; }

    /// <summary>Identity-map the first 2 MB (for a boot stub that turns paging on while running there).</summary>
    public bool IdentityMapLow2M { get; init; }

    /// <summary>Adds this many extra bytes of zeroed RAM in a high block (for size tests).</summary>
    public long ExtraRamBytes { get; init; }
}
