using Framework.Plugins.BpfRuntime.Jit;

namespace Framework.Plugins.BpfRuntime.Verifier;

/// <summary>
/// The accesses the verifier proved in bounds on every path: a load or store through the stack, a
/// map value or the packet at fixed bounds inside the region. Accesses through the context of a
/// test program (whose size is known only at run time), atomics and helper memory stay checked.
/// </summary>
internal sealed class VerifiedAccesses : IBpfAccessProof
{
    private readonly byte[] _marks; // 0 never reached, 1 proven on every visit, 2 not proven on some visit

    public VerifiedAccesses(int instructionCount) => _marks = new byte[instructionCount];

    public int ProvenCount => _marks.Count(m => m == 1);

    public bool IsInBounds(int instructionIndex) =>
        (uint)instructionIndex < (uint)_marks.Length && _marks[instructionIndex] == 1;

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
