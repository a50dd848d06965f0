namespace Framework.Plugins.BpfRuntime.Jit;

/// <summary>
/// What a verifier proved about a program's memory accesses: the seam through which the JIT leaves
/// out a run-time bounds check. Without a proof (the checked mode) every load, store and atomic
/// operation is checked against the regions the program may touch.
/// </summary>
public interface IBpfAccessProof
{
    /// <summary>Whether the load, store or atomic operation at <paramref name="instructionIndex"/>
    /// stays inside the region its base register points into, on every path.</summary>
    bool IsInBounds(int instructionIndex);

    /// <summary>How many bytes at the top of the main program's stack frame it may touch, through
    /// any pointer or helper; the rest of the frame need not be zeroed before a run. Without that
    /// knowledge, the whole frame (512 bytes).</summary>
    int MainFrameStackDepth => Interpreter.BpfInterpreter.StackFrameSize;

    /// <summary>The fixed region the proven access at <paramref name="instructionIndex"/> lies in on
    /// every path, or <see cref="ProvenRegion.Unknown"/>.</summary>
    ProvenRegion RegionOf(int instructionIndex) => ProvenRegion.Unknown;
}
