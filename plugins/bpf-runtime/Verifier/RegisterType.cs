namespace Framework.Plugins.BpfRuntime.Verifier;

/// <summary>What a register holds, in the kernel verifier's terms (<c>enum bpf_reg_type</c>).</summary>
public enum RegisterType
{
    /// <summary>Never written on this path: reading it is an error.</summary>
    NotInit,

    /// <summary>A number (<c>scalar</c>), with bounds.</summary>
    Scalar,

    /// <summary>The program's context (<c>ctx</c>, r1 at entry).</summary>
    Context,

    /// <summary>A pointer into a stack frame (<c>fp</c>).</summary>
    Stack,

    /// <summary>A map reference loaded by <c>lddw map_fd</c> (<c>map_ptr</c>).</summary>
    MapPointer,

    /// <summary>A pointer into a map value (<c>map_value</c>).</summary>
    MapValue,

    /// <summary>A map value pointer not yet checked against null (<c>map_value_or_null</c>).</summary>
    MapValueOrNull,

    /// <summary>A pointer into the packet (<c>pkt</c>).</summary>
    Packet,

    /// <summary>The end of the packet (<c>pkt_end</c>): compared against, never dereferenced.</summary>
    PacketEnd,

    /// <summary>A ring buffer record from <c>bpf_ringbuf_reserve</c> (<c>ringbuf_mem</c>).</summary>
    RingBufferRecord,

    /// <summary>A ring buffer record not yet checked against null.</summary>
    RingBufferRecordOrNull,
}
