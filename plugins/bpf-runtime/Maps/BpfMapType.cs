namespace Framework.Plugins.BpfRuntime.Maps;

/// <summary>Map types, numbered as the kernel's <c>enum bpf_map_type</c>.</summary>
public enum BpfMapType
{
    /// <summary>BPF_MAP_TYPE_HASH.</summary>
    Hash = 1,

    /// <summary>BPF_MAP_TYPE_ARRAY.</summary>
    Array = 2,

    /// <summary>BPF_MAP_TYPE_PROG_ARRAY, the table of tail-call targets.</summary>
    ProgramArray = 3,

    /// <summary>BPF_MAP_TYPE_PERCPU_HASH.</summary>
    PerCpuHash = 5,

    /// <summary>BPF_MAP_TYPE_PERCPU_ARRAY.</summary>
    PerCpuArray = 6,

    /// <summary>BPF_MAP_TYPE_LRU_HASH.</summary>
    LruHash = 9,

    /// <summary>BPF_MAP_TYPE_LRU_PERCPU_HASH.</summary>
    LruPerCpuHash = 10,

    /// <summary>BPF_MAP_TYPE_RINGBUF.</summary>
    RingBuffer = 27,
}
