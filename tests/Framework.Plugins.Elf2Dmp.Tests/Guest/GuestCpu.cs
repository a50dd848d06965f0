namespace Framework.Plugins.Elf2Dmp.Tests.Guest;

/// <summary>A CPU's registers as the generator writes them into the QEMU notes.</summary>
public sealed class GuestCpu
{
    /// <summary>rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp, r8..r15, rip, rflags (QEMU's order).</summary>
    public ulong[] Registers { get; } = new ulong[18];

    /// <summary>Selectors of cs, ds, es, fs, gs, ss.</summary>
    public ushort[] Selectors { get; } = new ushort[6];

    public ulong FsBase { get; set; }

    public ulong GsBase { get; set; }

    public ulong KernelGsBase { get; set; }

    public ulong GdtBase { get; set; }

    public ulong IdtBase { get; set; }

    public ulong Cr0 { get; set; } = 0x80050033;

    public ulong Cr3 { get; set; }

    public ulong Cr4 { get; set; } = 0x3506f8;
}
