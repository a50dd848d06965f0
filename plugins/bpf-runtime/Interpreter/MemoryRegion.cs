namespace Framework.Plugins.BpfRuntime.Interpreter;

/// <summary>
/// A block of host memory that a running program may touch, seen at the program's virtual address
/// <c>index &lt;&lt; 24</c>: <see cref="Length"/> bytes of <see cref="Array"/> from <see cref="Offset"/>,
/// of which [<see cref="Low"/>, <see cref="Length"/>) are accessible (the stack region raises
/// <see cref="Low"/> to the current frame).
/// </summary>
internal struct MemoryRegion
{
    public byte[] Array;
    public int Offset;
    public int Length;
    public int Low;
    public bool Writable;
    public MemoryRegionKind Kind;
}
