using System.Buffers.Binary;
using Framework.Plugins.Elf2Dmp.Elf;
using Framework.Plugins.Elf2Dmp.Memory;

namespace Framework.Plugins.Elf2Dmp.Kernel;

/// <summary>
/// Finds the kernel in guest memory: first a page-table base that maps the kernel (tested by
/// translating KUSER_SHARED_DATA), then the handler of IDT entry 0 (#DE, inside ntoskrnl), from which
/// it scans downwards page by page for the image's MZ header.
/// </summary>
public static class KernelLocator
{
    /// <summary>Where, from the KPCR, Windows keeps the kernel DTB that KVA-shadow entry code switches to.</summary>
    public const int KpcrKernelDirectoryTableBaseOffset = 0x7000;

    /// <summary>The lowest address the kernel image can start at: the start of system space.</summary>
    public const ulong ScanLowerLimit = 0xfffff780_00000000;

    /// <summary>How many mapped pages the downward scan examines before giving up (1 GB).</summary>
    public const int MaxScanPages = 1 << 18;

    /// <summary>Finds a page-table base that maps the kernel, as QEMU's fix_dtb does: CPU 0's CR3,
    /// else a CPU in kernel mode, else the KPCR of CPU 0 under KVA shadowing.</summary>
    /// <exception cref="Elf2DmpException">None maps KUSER_SHARED_DATA (NotFound).</exception>
    public static DirectoryTableBase FindDirectoryTableBase(PhysicalMemory physical, IReadOnlyList<QemuCpuState> cpus, Action<string>? log)
    {
        var cpu0 = cpus[0];
        if (MapsKernel(physical, cpu0.Cr3))
        {
            return new DirectoryTableBase(cpu0.Cr3 & VirtualMemory.FrameMask, DirectoryTableBaseSource.Cpu0Cr3, 0);
        }

        log?.Invoke($"CPU #0 CR3 0x{cpu0.Cr3:x16} does not map KUSER_SHARED_DATA: CPU #0 was in user mode");
        for (var i = 0; i < cpus.Count; i++)
        {
            if (cpus[i].IsKernelMode && MapsKernel(physical, cpus[i].Cr3))
            {
                log?.Invoke($"DTB 0x{cpus[i].Cr3 & VirtualMemory.FrameMask:x16} has been found from CPU #{i} as system task CR3");
                return new DirectoryTableBase(cpus[i].Cr3 & VirtualMemory.FrameMask, DirectoryTableBaseSource.KernelModeCpu, i);
            }
        }

        if (cpu0.KernelGsBase is { } kpcr)
        {
            // Under KVA shadowing the user page tables still map the KPCR's shadow area, where the
            // entry code finds the kernel DTB to switch to.
            var user = new VirtualMemory(physical, cpu0.Cr3);
            Span<byte> buffer = stackalloc byte[8];
            if (user.TryRead(kpcr + KpcrKernelDirectoryTableBaseOffset, buffer))
            {
                var candidate = BinaryPrimitives.ReadUInt64LittleEndian(buffer);
                if (MapsKernel(physical, candidate))
                {
                    log?.Invoke($"DirectoryTableBase = 0x{candidate & VirtualMemory.FrameMask:x16} has been found from CPU #0 as interrupt handling CR3 (KPCR 0x{kpcr:x16})");
                    return new DirectoryTableBase(candidate & VirtualMemory.FrameMask, DirectoryTableBaseSource.KpcrShadow, 0);
                }
            }
        }

        throw new Elf2DmpException(Elf2DmpError.NotFound, "kernel page tables", cpu0.Cr3,
            "no CPU's CR3 maps KUSER_SHARED_DATA and CPU #0's KPCR (KERNEL_GS_BASE"
            + (cpu0.KernelGsBase is { } g ? $" 0x{g:x}" : ", absent from this QEMU's notes") + ") gives no kernel DTB; is this a Windows x64 guest?");
    }

    /// <summary>Reads the handler address of IDT entry 0.</summary>
    /// <exception cref="Elf2DmpException">The IDT is unmapped, or the handler is not a kernel address.</exception>
    public static ulong ReadIdtZeroHandler(VirtualMemory memory, ulong idtBase)
    {
        Span<byte> gate = stackalloc byte[16];
        memory.Read(idtBase, gate, "IDT[0]");
        var handler = BinaryPrimitives.ReadUInt16LittleEndian(gate)
            | ((ulong)BinaryPrimitives.ReadUInt16LittleEndian(gate[6..]) << 16)
            | ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(gate[8..]) << 32);
        if (handler < ScanLowerLimit)
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "IDT[0] handler", idtBase, $"0x{handler:x16} is not in system space");
        }

        return handler;
    }

    /// <summary>Scans downwards from <paramref name="from"/> for a page starting with an MZ/PE image.
    /// Unmapped regions are skipped whole (a not-present PML4E skips 512 GB), and the scan gives up after
    /// <see cref="MaxScanPages"/> mapped pages, so it always ends.</summary>
    /// <exception cref="Elf2DmpException">No image found (NotFound).</exception>
    public static ulong FindKernelBase(VirtualMemory memory, ulong from)
    {
        var address = from & ~(ulong)(PhysicalMemory.PageSize - 1);
        var examined = 0;
        Span<byte> header = stackalloc byte[PhysicalMemory.PageSize];
        while (address >= ScanLowerLimit && examined < MaxScanPages)
        {
            var translation = memory.Translate(address);
            if (translation.PhysicalAddress is { } physical)
            {
                examined++;
                if (memory.Physical.TryRead(physical, header) && IsImageHeader(header))
                {
                    return address;
                }

                address -= PhysicalMemory.PageSize;
                continue;
            }

            // Everything in the region the failing entry covers is unmapped: jump below it.
            var regionStart = address & ~(translation.PageSize - 1);
            if (regionStart < ScanLowerLimit + PhysicalMemory.PageSize)
            {
                break;
            }

            address = regionStart - PhysicalMemory.PageSize;
        }

        throw new Elf2DmpException(Elf2DmpError.NotFound, "kernel image", from,
            $"no MZ/PE header found scanning down to 0x{Math.Max(address, ScanLowerLimit):x16} ({examined} mapped pages examined)");
    }

    private static bool IsImageHeader(ReadOnlySpan<byte> page)
    {
        if (page[0] != (byte)'M' || page[1] != (byte)'Z')
        {
            return false;
        }

        var lfanew = BinaryPrimitives.ReadInt32LittleEndian(page[0x3c..]);
        return lfanew >= 0x40 && lfanew <= page.Length - 4 && BinaryPrimitives.ReadUInt32LittleEndian(page[lfanew..]) == 0x4550;
    }

    private static bool MapsKernel(PhysicalMemory physical, ulong cr3) =>
        new VirtualMemory(physical, cr3).Translate(KuserSharedData.Address).IsMapped;
}
