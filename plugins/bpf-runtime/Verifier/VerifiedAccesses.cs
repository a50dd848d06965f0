using Framework.Plugins.BpfRuntime.Jit;

namespace Framework.Plugins.BpfRuntime.Verifier;

/// <summary>
/// The accesses the verifier proved in bounds on every path: a load or store through the stack, a
/// map value or the packet at fixed bounds inside the region, and a read of a fixed-size context
/// (XDP, socket filter). Accesses through the context of a kprobe or test program (the caller's
/// memory, of any length), context writes, atomics and helper memory stay checked.
/// </summary>
internal sealed class VerifiedAccesses : IBpfAccessProof
{
    private readonly byte[] _marks; // 0 never reached, 1 proven on every visit, 2 not proven on some visit

    public VerifiedAccesses(int instructionCount) => _marks = new byte[instructionCount];

    public int ProvenCount => _marks.Count(m => m == 1);

    public int MainFrameStackDepth { get; private set; }

    public bool IsInBounds(int instructionIndex) =>
        (uint)instructionIndex < (uint)_marks.Length && _marks[instructionIndex] == 1;

    /// <summary>Records an access to stack frame <paramref name="frame"/> at <paramref name="offset"/>
    /// (negative, from the frame pointer).</summary>
    public void TouchStack(int frame, int offset)
    {
        if (frame == 0)
        {
            MainFrameStackDepth = Math.Max(MainFrameStackDepth, -offset);
        }
    }

    public void Visit(int pc, bool proven)
    {
        if (!proven)
        {
            _marks[pc] = 2;
        }
        else if (_marks[pc] == 0)
        {
            _marks[pc] = 1;
        }
    }
}
