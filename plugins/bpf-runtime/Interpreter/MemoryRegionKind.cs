namespace Framework.Plugins.BpfRuntime.Interpreter;

/// <summary>What a memory region holds, for error messages.</summary>
internal enum MemoryRegionKind : byte
{
    None,
    Stack,
    Context,
    Packet,
    MapValue,
    RingBufferRecord,
    HelperBuffer,
}
