namespace Framework.Plugins.Elf2Dmp;

/// <summary>What went wrong, in the spirit of errno: each value has one precise meaning.</summary>
public enum Elf2DmpError
{
    /// <summary>The input is malformed: a field is out of range or inconsistent (EINVAL).</summary>
    InvalidData,

    /// <summary>The input ends before a structure it declares (ENODATA).</summary>
    Truncated,

    /// <summary>The input is well formed but describes something this tool does not convert (EOPNOTSUPP).</summary>
    Unsupported,

    /// <summary>Something the conversion needs was not found: kernel, symbol, PDB, page (ENOENT).</summary>
    NotFound,

    /// <summary>A virtual address is not mapped by the page tables or maps outside physical memory (EFAULT).</summary>
    BadAddress,

    /// <summary>The PDB does not belong to the image: GUID or age differ (ESTALE).</summary>
    SymbolMismatch,

    /// <summary>Reading or writing a file, or downloading symbols, failed (EIO).</summary>
    Io,
}
