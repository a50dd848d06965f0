using System.Buffers.Binary;
using System.Diagnostics;
using Framework.Plugins.Elf2Dmp.Dump;
using Framework.Plugins.Elf2Dmp.Elf;
using Framework.Plugins.Elf2Dmp.Kernel;
using Framework.Plugins.Elf2Dmp.Memory;
using Framework.Plugins.Elf2Dmp.Pdb;
using Framework.Plugins.Elf2Dmp.Pe;
using Framework.Plugins.Elf2Dmp.Symbols;

namespace Framework.Plugins.Elf2Dmp.Conversion;

/// <summary>
/// Converts a QEMU guest-memory ELF dump of a Windows x64 guest into a full kernel crash dump, stage
/// by stage (<see cref="ConversionStage"/>). Every failure is an <see cref="Elf2DmpException"/> (or
/// cancellation), and no output file exists after a failure. The input file is never modified:
/// the decoded KDBG and the CPU contexts go to the output only. Thread-safe: conversions share nothing.
/// </summary>
public sealed class DumpConverter
{
    /// <summary>PDB names ntoskrnl is built with (uniprocessor, multiprocessor, PAE variants).</summary>
    public static readonly IReadOnlySet<string> KernelPdbNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "ntkrnlmp.pdb", "ntoskrnl.pdb", "ntkrnlpa.pdb", "ntkrpamp.pdb",
    };

    /// <summary>Converts <paramref name="inputPath"/> into <paramref name="outputPath"/>.</summary>
    /// <exception cref="Elf2DmpException">The conversion failed; the message names the stage's structure.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; no output is left.</exception>
    public async Task<ConversionResult> ConvertAsync(string inputPath, string outputPath, ConversionOptions? options = null,
        ConversionObserver? observer = null, CancellationToken cancellationToken = default)
    {
        options ??= new ConversionOptions();
        observer ??= ConversionObserver.None;
        var total = Stopwatch.StartNew();
        if (string.Equals(Path.GetFullPath(inputPath), Path.GetFullPath(outputPath), StringComparison.Ordinal))
        {
            throw new Elf2DmpException(Elf2DmpError.InvalidData, "output path", null, "the output would replace the input");
        }

        using var elf = Run(observer, ConversionStage.ReadElf, () => ReadElf(inputPath, observer));
        var physical = Run(observer, ConversionStage.PhysicalMemory, () => BuildPhysicalMemory(elf, observer));
        var dtb = Run(observer, ConversionStage.PageTables, () =>
        {
            observer.Message($"CPU #0 CR3 is 0x{elf.CpuStates[0].Cr3:x16}");
            return KernelLocator.FindDirectoryTableBase(physical, elf.CpuStates, observer.Message);
        });
        var kernelSpace = new VirtualMemory(physical, dtb.Value);
        var kernelBase = Run(observer, ConversionStage.KernelBase, () => FindKernel(kernelSpace, elf.CpuStates[0], observer));
        var image = Run(observer, ConversionStage.KernelImage, () => ReadImage(kernelSpace, kernelBase, observer));

        observer.StageStarted(ConversionStage.Symbols);
        var watch = Stopwatch.StartNew();
        SymbolFile symbols;
        try
        {
            var path = SymbolPath.FromOptionOrEnvironment(options.SymbolPath);
            observer.Message($"Symbol path is {path}");
            symbols = await (options.SymbolLocator ?? new SymbolLocator()).FindAsync(image.CodeView, path, observer.Message, cancellationToken).ConfigureAwait(false);
            observer.Message($"PDB {symbols.Path}: {symbols.Pdb.Publics.Count} public symbols");
        }
        catch (Exception ex)
        {
            observer.StageFailed(ConversionStage.Symbols, ex);
            throw;
        }

        observer.StageCompleted(ConversionStage.Symbols, watch.Elapsed);
        var pdb = symbols.Pdb;
        var patches = new List<MemoryPatch>();
        var (kdbgAddress, kdbg) = Run(observer, ConversionStage.Kdbg, () => ReadKdbg(kernelSpace, kernelBase, pdb, patches, observer));
        var header = Run(observer, ConversionStage.Header, () =>
            BuildHeader(elf, physical, kernelSpace, kernelBase, pdb, kdbgAddress, kdbg, patches, options, observer));

        var written = Run(observer, ConversionStage.Write, () =>
        {
            observer.Message($"Writing {header.Runs.Count} runs, {header.NumberOfPages} pages, to {outputPath}");
            return DumpWriter.Write(outputPath, header, physical, patches, observer.Progress, cancellationToken, options.FlushToDisk);
        });

        return new ConversionResult(Path.GetFullPath(outputPath), header, dtb, kernelBase, image.CodeView, symbols.Path, kdbg.WasEncoded, written, total.Elapsed);
    }

    private static T Run<T>(ConversionObserver observer, ConversionStage stage, Func<T> work)
    {
        observer.StageStarted(stage);
        var watch = Stopwatch.StartNew();
        try
        {
            var result = work();
            observer.StageCompleted(stage, watch.Elapsed);
            return result;
        }
        catch (Exception ex)
        {
            observer.StageFailed(stage, ex);
            throw;
        }
    }

    private static QemuElfDump ReadElf(string inputPath, ConversionObserver observer)
    {
        var elf = QemuElfDump.Open(inputPath);
        if (!elf.IsLongMode)
        {
            elf.Dispose();
            throw new Elf2DmpException(Elf2DmpError.Unsupported, "ELF e_machine", 18,
                "the guest was not in long mode when dumped (EM_386 dump with 32-bit notes); only x64 Windows guests convert");
        }

        observer.Message($"{elf.CpuStates.Count} CPU(s), {elf.Segments.Count(s => s.Type == ElfSegment.Load)} memory segment(s)");
        return elf;
    }

    private static PhysicalMemory BuildPhysicalMemory(QemuElfDump elf, ConversionObserver observer)
    {
        var blocks = new List<PhysicalBlock>();
        foreach (var segment in elf.Segments.Where(s => s.Type == ElfSegment.Load && s.FileSize > 0))
        {
            if (segment.PhysicalAddress % PhysicalMemory.PageSize != 0 || segment.FileSize % PhysicalMemory.PageSize != 0)
            {
                throw new Elf2DmpException(Elf2DmpError.Unsupported, $"ELF program header {segment.Index} (PT_LOAD)", segment.Offset,
                    $"guest memory at 0x{segment.PhysicalAddress:x}+0x{segment.FileSize:x} is not page-aligned");
            }

            blocks.Add(new PhysicalBlock(segment.PhysicalAddress, (long)segment.Offset, segment.FileSize));
        }

        var physical = new PhysicalMemory(elf.File, blocks);
        var runs = physical.ToRuns();
        if (runs.Count == 0)
        {
            throw new Elf2DmpException(Elf2DmpError.NotFound, "ELF PT_LOAD", null, "the dump holds no guest memory");
        }

        if (runs.Count > DumpHeader64.MaxRuns)
        {
            throw new Elf2DmpException(Elf2DmpError.Unsupported, "physical memory", null, $"{runs.Count} runs after merging adjacent blocks; a dump header holds at most {DumpHeader64.MaxRuns}");
        }

        foreach (var block in physical.Blocks)
        {
            observer.Message($"Block 0x{block.Address:x16}+0x{block.Size:x} at file offset 0x{block.FileOffset:x}");
        }

        return physical;
    }

    private static ulong FindKernel(VirtualMemory kernelSpace, QemuCpuState cpu0, ConversionObserver observer)
    {
        observer.Message($"CPU #0 IDT is at 0x{cpu0.Idt.Base:x16}");
        var handler = KernelLocator.ReadIdtZeroHandler(kernelSpace, cpu0.Idt.Base);
        observer.Message($"CPU #0 IDT[0] -> 0x{handler:x16}");
        observer.Message($"Searching kernel downwards from 0x{handler & ~0xfffUL:x16}...");
        var kernelBase = KernelLocator.FindKernelBase(kernelSpace, handler);
        observer.Message($"KernBase = 0x{kernelBase:x16}, signature is 'MZ'");
        return kernelBase;
    }

    private static KernelImage ReadImage(VirtualMemory kernelSpace, ulong kernelBase, ConversionObserver observer)
    {
        var image = KernelImage.Read(kernelSpace, kernelBase);
        observer.Message($"PDB name is '{image.CodeView.PdbPath}', 'ntkrnlmp.pdb' expected");
        if (!KernelPdbNames.Contains(image.CodeView.PdbFileName))
        {
            throw new Elf2DmpException(Elf2DmpError.NotFound, "kernel image RSDS PDB name", kernelBase,
                $"'{image.CodeView.PdbPath}' is not a kernel PDB name: the image found is not ntoskrnl");
        }

        observer.Message($"PDB GUID {image.CodeView.Signature:D}, age {image.CodeView.Age}, symbol store key {image.CodeView.SymbolStoreKey}");
        return image;
    }

    private static ulong Resolve(PdbFile pdb, ulong kernelBase, string name, ConversionObserver observer)
    {
        var rva = pdb.FindRva(name) ?? throw new Elf2DmpException(Elf2DmpError.NotFound, "PDB public symbols", null, $"{name} is not among the kernel's public symbols");
        var address = kernelBase + rva;
        observer.Message($"{name} = 0x{address:x16}");
        return address;
    }

    private static (ulong Address, KdDebuggerData Kdbg) ReadKdbg(VirtualMemory memory, ulong kernelBase, PdbFile pdb, List<MemoryPatch> patches, ConversionObserver observer)
    {
        var address = Resolve(pdb, kernelBase, "KdDebuggerDataBlock", observer);
        var header = new byte[KdDebuggerData.HeaderSize];
        memory.Read(address, header, "KDBG header");
        var encoded = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(KdDebuggerData.OwnerTagOffset)) != KdDebuggerData.KdbgTag;
        ulong never = 0, always = 0, blockEncoded = 0;
        if (encoded)
        {
            never = memory.ReadUInt64(Resolve(pdb, kernelBase, "KiWaitNever", observer), "KiWaitNever");
            always = memory.ReadUInt64(Resolve(pdb, kernelBase, "KiWaitAlways", observer), "KiWaitAlways");
            blockEncoded = Resolve(pdb, kernelBase, "KdpDataBlockEncoded", observer);
            observer.Message($"[KiWaitNever] = 0x{never:x16}");
            observer.Message($"[KiWaitAlways] = 0x{always:x16}");
            observer.Message("Decoding KDBG header...");
            KdbgDecoder.Decode(header, never, always, blockEncoded);
        }

        // The tag and size are checked before the whole structure is read.
        var size = KdDebuggerData.ValidateHeader(header, address, encoded);
        observer.Message($"Owner tag is 'KDBG', size {size}");
        var raw = new byte[size];
        memory.Read(address, raw, "KdDebuggerDataBlock");
        if (encoded)
        {
            observer.Message("Decoding KdDebuggerDataBlock...");
            KdbgDecoder.Decode(raw, never, always, blockEncoded);
            // Debuggers expect a plain KDBG: the decoded copy goes into the output, as QEMU's tool does.
            AddVirtualPatch(memory, patches, address, raw, "decoded KdDebuggerDataBlock");
        }

        return (address, KdDebuggerData.Parse(raw, address, encoded));
    }

    private static DumpHeader64 BuildHeader(QemuElfDump elf, PhysicalMemory physical, VirtualMemory memory, ulong kernelBase, PdbFile pdb,
        ulong kdbgAddress, KdDebuggerData kdbg, List<MemoryPatch> patches, ConversionOptions options, ConversionObserver observer)
    {
        var versionAddress = Resolve(pdb, kernelBase, "KdVersionBlock", observer);
        var versionBytes = new byte[KdVersionBlock.Size];
        memory.Read(versionAddress, versionBytes, "KdVersionBlock");
        var version = KdVersionBlock.Parse(versionBytes, versionAddress);
        var kuser = KuserSharedData.Read(memory);
        var pfnDatabase = memory.TryRead(kdbg.MmPfnDatabase, versionBytes.AsSpan(0, 8))
            ? BinaryPrimitives.ReadUInt64LittleEndian(versionBytes)
            : kdbg.MmPfnDatabase;
        var header = new DumpHeader64
        {
            MajorVersion = version.MajorVersion,
            MinorVersion = version.MinorVersion,
            DirectoryTableBase = memory.DirectoryTableBase,
            PfnDataBase = pfnDatabase,
            PsLoadedModuleList = kdbg.PsLoadedModuleList,
            PsActiveProcessHead = kdbg.PsActiveProcessHead,
            MachineImageType = version.MachineType == 0 ? DumpHeader64.MachineAmd64 : version.MachineType,
            NumberProcessors = (uint)elf.CpuStates.Count,
            KdDebuggerDataBlock = kdbgAddress,
            SystemTime = kuser.SystemTime,
            ProductType = kuser.ProductType,
            SuiteMask = kuser.SuiteMask,
            KdSecondaryVersion = version.KdSecondaryVersion,
            Comment = options.Comment,
            ContextRecord = ProcessorContext.FromCpuState(elf.CpuStates[0]),
        };
        foreach (var run in physical.ToRuns())
        {
            header.Runs.Add(run);
        }

        observer.Message($"Version {header.MajorVersion}.{header.MinorVersion}, {header.NumberProcessors} processor(s), product type {header.ProductType}, suite mask 0x{header.SuiteMask:x}");
        for (var i = 0; i < elf.CpuStates.Count; i++)
        {
            var prcb = memory.ReadUInt64(kdbg.KiProcessorBlock + ((ulong)i * 8), $"KiProcessorBlock[{i}]");
            if (prcb == 0)
            {
                throw new Elf2DmpException(Elf2DmpError.InvalidData, $"KiProcessorBlock[{i}]", kdbg.KiProcessorBlock + ((ulong)i * 8),
                    $"the dump has {elf.CpuStates.Count} CPUs but the kernel has no KPRCB for CPU #{i}");
            }

            var context = memory.ReadUInt64(prcb + kdbg.OffsetPrcbContext, $"CPU #{i} KPRCB Context");
            observer.Message($"Filling context for CPU #{i} (KPRCB 0x{prcb:x16}, CONTEXT 0x{context:x16})...");
            AddVirtualPatch(memory, patches, context, ProcessorContext.FromCpuState(elf.CpuStates[i]), $"CPU #{i} context");
        }

        return header;
    }

    private static void AddVirtualPatch(VirtualMemory memory, List<MemoryPatch> patches, ulong address, byte[] data, string what)
    {
        // A structure may straddle pages that are not physically contiguous: one patch per page.
        var done = 0;
        while (done < data.Length)
        {
            var at = address + (ulong)done;
            var inPage = (int)Math.Min((ulong)(data.Length - done), PhysicalMemory.PageSize - (at & 0xfff));
            var translation = memory.Translate(at);
            if (translation.PhysicalAddress is not { } physical || !memory.Physical.IsPresent(physical, inPage))
            {
                throw new Elf2DmpException(Elf2DmpError.BadAddress, what, at, translation.Failure ?? "maps outside the dump's memory");
            }

            patches.Add(new MemoryPatch(physical, data.AsSpan(done, inPage).ToArray(), what));
            done += inPage;
        }
    }
}
