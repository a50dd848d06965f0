namespace Framework.Plugins.Elf2Dmp.Conversion;

/// <summary>The stages of a conversion, in order.</summary>
public enum ConversionStage
{
    /// <summary>Map the ELF file and read its program headers and CPU notes.</summary>
    ReadElf,

    /// <summary>Build physical memory from the PT_LOAD segments.</summary>
    PhysicalMemory,

    /// <summary>Find the kernel's page-table base (fix_dtb).</summary>
    PageTables,

    /// <summary>Follow IDT[0] and scan down for the kernel image.</summary>
    KernelBase,

    /// <summary>Read the image's RSDS record: the PDB key.</summary>
    KernelImage,

    /// <summary>Find, download and read the kernel's PDB.</summary>
    Symbols,

    /// <summary>Read (and decode) KdDebuggerDataBlock.</summary>
    Kdbg,

    /// <summary>Fill the dump header and each CPU's context.</summary>
    Header,

    /// <summary>Write the dump atomically.</summary>
    Write,
}
