using System.Buffers.Binary;
using System.Reflection.PortableExecutable;
using Framework.Plugins.Elf2Dmp.Pdb;

namespace Framework.Plugins.Elf2Dmp.Tests.Guest;

/// <summary>
/// A Windows-like x64 guest built from the real lld-linked kernel image and its PDB: RAM in three
/// blocks with gaps, page tables mapping the kernel in the high half (the image through a 2 MB page,
/// KUSER_SHARED_DATA through a 1 GB page, the IDT and per-CPU KPCR/KPRCB areas through 4 KB pages),
/// an IDT whose entry 0 points into the image, KDBG plain or encoded, KdVersionBlock, KUSER_SHARED_DATA,
/// a KPRCB per CPU with its context pointer, and optionally CPU 0 in user mode under KVA shadowing
/// (its CR3 maps only the KPCR page holding the kernel DTB). Written in QEMU's ELF format.
/// </summary>
public sealed class SyntheticGuest
{
    public const ulong KernelBase = 0xfffff800_02000000;
    public const ulong KernelPhysical = 0x200000;
    public const ulong IdtVa = 0xfffff800_00010000;
    public const ulong KpcrVa = 0xfffff800_00100000;
    public const ulong KpcrStride = 0x10000;
    public const int KpcrPages = 9;
    public const ulong PrcbOffset = 0x180;
    public const ushort OffsetPrcbContext = 0x5000;
    public const ulong ContextOffsetInKpcr = 0x8000;
    public const ulong PfnDatabaseValue = 0xfffffa80_00000000;
    public const ulong SystemTime = 133_500_000_000_000_000;
    public const uint SuiteMask = 0x110;
    public const uint ProductType = 1;
    public const ushort BuildNumber = 19041;
    public const uint KdbgSize = 0x360;

    private ulong _nextTablePage;

    public SyntheticGuest(GuestOptions options)
    {
        Options = options;
        Kernel = KernelImageBuilder.Kernel;
        Pdb = PdbFile.Open(Kernel.PdbPath);
        Memory = new GuestPhysicalMemory();
        _nextTablePage = options.LowBase + 0x1000;
        IdtPhysical = options.LowBase + 0x1f000;
        KuserPhysical = options.CompactKuser ? options.LowBase + 0x7d000 : 0x4000_0000;
        Memory.AddBlock(options.LowBase, 0x80000);
        Memory.AddBlock(KernelPhysical, 0x40000);
        if (!options.CompactKuser)
        {
            Memory.AddBlock(KuserPhysical, 0x2000);
        }

        if (options.ExtraRamBytes > 0)
        {
            Memory.AddBlock(0x1_0000_0000, checked((int)options.ExtraRamBytes));
        }

        KernelTables = new PageTableBuilder(Memory, AllocateTable);
        UserTables = new PageTableBuilder(Memory, AllocateTable);
        Build();
    }

    public GuestOptions Options { get; }

    public ulong IdtPhysical { get; }

    public ulong KuserPhysical { get; }

    public BuiltKernel Kernel { get; }

    public PdbFile Pdb { get; }

    public GuestPhysicalMemory Memory { get; }

    public PageTableBuilder KernelTables { get; }

    public PageTableBuilder UserTables { get; }

    public List<GuestCpu> Cpus { get; } = [];

    public ulong KiWaitNever { get; } = 0x5f3c_9a17_e2b4_0d61;

    public ulong KiWaitAlways { get; } = 0xa1b2_c3d4_0badf00d;

    public ulong Symbol(string name) => KernelBase + (Pdb.FindRva(name) ?? throw new InvalidOperationException(name));

    public static ulong KpcrOf(int cpu) => KpcrVa + ((ulong)cpu * KpcrStride);

    public ulong KpcrPhysicalOf(int cpu) => Options.LowBase + 0x20000 + ((ulong)cpu * KpcrPages * 0x1000);

    /// <summary>The physical address of a kernel virtual address, through the generator's own tables.</summary>
    public ulong KernelPhysicalOf(ulong va)
    {
        if (va >= KernelBase && va < KernelBase + 0x200000)
        {
            return KernelPhysical + (va - KernelBase);
        }

        for (var cpu = 0; cpu < Options.CpuCount; cpu++)
        {
            if (va >= KpcrOf(cpu) && va < KpcrOf(cpu) + (KpcrPages * 0x1000))
            {
                return KpcrPhysicalOf(cpu) + (va - KpcrOf(cpu));
            }
        }

        throw new ArgumentOutOfRangeException(nameof(va));
    }

    public void WriteElf(string path) => QemuElfWriter.Write(path, Memory, Cpus, Options.LongMode, Options.WithKernelGsBase);

    private ulong AllocateTable()
    {
        var page = _nextTablePage;
        _nextTablePage += 0x1000;
        if (_nextTablePage > IdtPhysical)
        {
            throw new InvalidOperationException("page-table pool exhausted");
        }

        return page;
    }

    private void Build()
    {
        LoadImage();
        KernelTables.Map2M(KernelBase, KernelPhysical);
        if (Options.CompactKuser)
        {
            KernelTables.Map4K(0xfffff780_00000000, KuserPhysical);
        }
        else
        {
            KernelTables.Map1G(0xfffff780_00000000, KuserPhysical);
        }

        if (Options.IdentityMapLow2M)
        {
            KernelTables.Map2M(0, 0);
        }

        KernelTables.Map4K(IdtVa, IdtPhysical);
        for (var cpu = 0; cpu < Options.CpuCount; cpu++)
        {
            for (var page = 0UL; page < KpcrPages; page++)
            {
                KernelTables.Map4K(KpcrOf(cpu) + (page * 0x1000), KpcrPhysicalOf(cpu) + (page * 0x1000));
            }
        }

        // KVA shadow: the user page table maps CPU 0's KPCR page that holds the kernel DTB, and a user page.
        UserTables.Map4K(KpcrOf(0) + 0x7000, KpcrPhysicalOf(0) + 0x7000);
        UserTables.Map4K(0x7ffe0000, Options.LowBase + 0x7f000);

        WriteIdt();
        WriteKuser();
        WriteKernelData();
        for (var cpu = 0; cpu < Options.CpuCount; cpu++)
        {
            WriteCpu(cpu);
        }
    }

    private void LoadImage()
    {
        var file = File.ReadAllBytes(Kernel.ImagePath);
        using var pe = new PEReader(new MemoryStream(file));
        var headers = pe.PEHeaders;
        Memory.Write(KernelPhysical, file.AsSpan(0, headers.PEHeader!.SizeOfHeaders));
        foreach (var section in headers.SectionHeaders)
        {
            var length = Math.Min(section.SizeOfRawData, section.VirtualSize == 0 ? section.SizeOfRawData : section.VirtualSize);
            Memory.Write(KernelPhysical + (ulong)section.VirtualAddress, file.AsSpan(section.PointerToRawData, length));
        }
    }

    private void WriteIdt()
    {
        var handler = Symbol("KiDivideErrorFault");
        Memory.WriteUInt16(IdtPhysical, (ushort)handler);
        Memory.WriteUInt16(IdtPhysical + 2, 0x10);
        Memory.Span(IdtPhysical + 5, 1)[0] = 0x8e;
        Memory.WriteUInt16(IdtPhysical + 6, (ushort)(handler >> 16));
        Memory.WriteUInt32(IdtPhysical + 8, (uint)(handler >> 32));
    }

    private void WriteKuser()
    {
        Memory.WriteUInt64(KuserPhysical + 0x14, SystemTime);
        Memory.WriteUInt32(KuserPhysical + 0x264, ProductType);
        Memory.WriteUInt32(KuserPhysical + 0x26c, 10);
        Memory.WriteUInt32(KuserPhysical + 0x2d0, SuiteMask);
    }

    private void WriteKernelData()
    {
        var kdbg = Symbol("KdDebuggerDataBlock");
        var plain = new byte[KdbgSize];
        var span = plain.AsSpan();
        BinaryPrimitives.WriteUInt64LittleEndian(span, kdbg);
        BinaryPrimitives.WriteUInt64LittleEndian(span[8..], kdbg);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x10..], 0x4742444b);
        BinaryPrimitives.WriteUInt32LittleEndian(span[0x14..], KdbgSize);
        BinaryPrimitives.WriteUInt64LittleEndian(span[0x18..], KernelBase);
        BinaryPrimitives.WriteUInt64LittleEndian(span[0x48..], Symbol("PsLoadedModuleList"));
        BinaryPrimitives.WriteUInt64LittleEndian(span[0x50..], Symbol("PsActiveProcessHead"));
        BinaryPrimitives.WriteUInt64LittleEndian(span[0xc0..], Symbol("MmPfnDatabase"));
        BinaryPrimitives.WriteUInt64LittleEndian(span[0x218..], Symbol("KiProcessorBlock"));
        BinaryPrimitives.WriteUInt16LittleEndian(span[0x338..], OffsetPrcbContext);
        PlainKdbg = plain;

        var stored = (byte[])plain.Clone();
        if (Options.EncodedKdbg)
        {
            Encode(stored, KiWaitNever, KiWaitAlways, Symbol("KdpDataBlockEncoded"));
        }

        Memory.Write(KernelPhysicalOf(kdbg), stored);
        Memory.WriteUInt64(KernelPhysicalOf(Symbol("KiWaitNever")), KiWaitNever);
        Memory.WriteUInt64(KernelPhysicalOf(Symbol("KiWaitAlways")), KiWaitAlways);
        Memory.Span(KernelPhysicalOf(Symbol("KdpDataBlockEncoded")), 1)[0] = (byte)(Options.EncodedKdbg ? 1 : 0);

        var version = KernelPhysicalOf(Symbol("KdVersionBlock"));
        Memory.WriteUInt16(version, 0xf);
        Memory.WriteUInt16(version + 2, BuildNumber);
        Memory.Span(version + 4, 1)[0] = 6;
        Memory.Span(version + 5, 1)[0] = 2;
        Memory.WriteUInt16(version + 8, 0x8664);
        Memory.WriteUInt64(version + 0x10, KernelBase);
        Memory.WriteUInt64(version + 0x18, Symbol("PsLoadedModuleList"));

        foreach (var list in new[] { "PsLoadedModuleList", "PsActiveProcessHead" })
        {
            Memory.WriteUInt64(KernelPhysicalOf(Symbol(list)), Symbol(list));
            Memory.WriteUInt64(KernelPhysicalOf(Symbol(list)) + 8, Symbol(list));
        }

        Memory.WriteUInt64(KernelPhysicalOf(Symbol("MmPfnDatabase")), PfnDatabaseValue);
        var processorBlock = KernelPhysicalOf(Symbol("KiProcessorBlock"));
        for (var cpu = 0; cpu < 64; cpu++)
        {
            Memory.WriteUInt64(processorBlock + ((ulong)cpu * 8), cpu < Options.CpuCount ? KpcrOf(cpu) + PrcbOffset : 0);
        }
    }

    /// <summary>The KDBG as the kernel would hold it in the clear.</summary>
    public byte[] PlainKdbg { get; private set; } = [];

    /// <summary>The kernel's encoding: the inverse of the documented decoding.</summary>
    public static void Encode(Span<byte> data, ulong never, ulong always, ulong blockAddress)
    {
        for (var at = 0; at < data.Length; at += 8)
        {
            var word = BinaryPrimitives.ReadUInt64LittleEndian(data[at..]);
            word = BinaryPrimitives.ReverseEndianness(word ^ always) ^ blockAddress;
            word = System.Numerics.BitOperations.RotateRight(word, (int)(never & 0xff)) ^ never;
            BinaryPrimitives.WriteUInt64LittleEndian(data[at..], word);
        }
    }

    private void WriteCpu(int index)
    {
        var kpcr = KpcrOf(index);
        var kpcrPhysical = KpcrPhysicalOf(index);
        Memory.WriteUInt64(kpcrPhysical + 0x18, kpcr);
        Memory.WriteUInt64(kpcrPhysical + 0x20, kpcr + PrcbOffset);
        Memory.WriteUInt64(kpcrPhysical + 0x7000, KernelTables.Root | 2);
        Memory.WriteUInt64(kpcrPhysical + PrcbOffset + OffsetPrcbContext, kpcr + ContextOffsetInKpcr);

        var cpu = new GuestCpu { IdtBase = IdtVa, GdtBase = kpcr + 0x1000 };
        for (var r = 0; r < 16; r++)
        {
            cpu.Registers[r] = 0x1000_0000_0000_0000UL * (ulong)(index + 1) + (ulong)r;
        }

        var userMode = index == 0 && Options.Cpu0UserMode;
        cpu.Registers[16] = userMode ? 0x7ff6_1234_5000UL : Symbol("KiSystemStartup");
        cpu.Registers[17] = 0x246;
        if (userMode)
        {
            cpu.Selectors[0] = 0x33;
            cpu.Selectors[5] = 0x2b;
            cpu.GsBase = 0x0000_00d0_0000_0000;
            cpu.KernelGsBase = kpcr;
            cpu.Cr3 = UserTables.Root | 1;
        }
        else
        {
            cpu.Selectors[0] = 0x10;
            cpu.Selectors[5] = 0x18;
            cpu.GsBase = kpcr;
            cpu.KernelGsBase = 0x0000_00d0_0000_0000 + ((ulong)index * 0x1000);
            cpu.Cr3 = KernelTables.Root | 2;
        }

        cpu.Selectors[1] = cpu.Selectors[2] = cpu.Selectors[4] = 0x2b;
        cpu.Selectors[3] = 0x53;
        Cpus.Add(cpu);
    }
}
