namespace Framework.Plugins.BpfRuntime.Maps;

/// <summary>Map creation flags (<c>map_flags</c>), with the kernel's values.</summary>
[Flags]
public enum BpfMapFlags : uint
{
    /// <summary>No flags.</summary>
    None = 0,

    /// <summary>BPF_F_NO_PREALLOC: allocate hash elements on demand.</summary>
    NoPrealloc = 1,

    /// <summary>BPF_F_NO_COMMON_LRU: per-CPU LRU lists (LRU hash only).</summary>
    NoCommonLru = 2,

    /// <summary>BPF_F_NUMA_NODE: honour numa_node (accepted, no effect here).</summary>
    NumaNode = 4,

    /// <summary>BPF_F_RDONLY: read-only from the syscall side.</summary>
    ReadOnly = 8,

    /// <summary>BPF_F_WRONLY: write-only from the syscall side.</summary>
    WriteOnly = 0x10,

    /// <summary>BPF_F_ZERO_SEED: zero hash seed (accepted, no effect here).</summary>
    ZeroSeed = 0x40,

    /// <summary>BPF_F_RDONLY_PROG: programs may only read.</summary>
    ReadOnlyProgram = 0x80,

    /// <summary>BPF_F_WRONLY_PROG: programs may only write.</summary>
    WriteOnlyProgram = 0x100,

    /// <summary>BPF_F_MMAPABLE: array may be memory-mapped (accepted for arrays).</summary>
    Mmapable = 0x400,
}
