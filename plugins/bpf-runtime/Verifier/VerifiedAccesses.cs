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
    private const byte MixedRegions = 0xFF;
    private readonly byte[] _marks; // 0 never reached, 1 proven on every visit, 2 not proven on some visit
    private readonly byte[] _regions; // 0 none yet, a ProvenRegion, or MixedRegions when visits disagree

    public VerifiedAccesses(int instructionCount)
    {
        _marks = new byte[instructionCount];
        _regions = new byte[instructionCount];
    }

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

    public ProvenRegion RegionOf(int instructionIndex) =>
        IsInBounds(instructionIndex) && _regions[instructionIndex] is var r && r != MixedRegions ? (ProvenRegion)r : ProvenRegion.Unknown;

    /// <summary>Records a visit of the access at <paramref name="pc"/>: whether it was proven in
    /// bounds, and the fixed region its pointer pointed into (<see cref="ProvenRegion.Unknown"/> for
    /// map values and records); one path with another region makes the region unknown.</summary>
    public void Visit(int pc, bool proven, ProvenRegion region = ProvenRegion.Unknown)
    {
        var seen = _regions[pc];
        _regions[pc] = seen == 0 ? (region == ProvenRegion.Unknown ? MixedRegions : (byte)region) : seen == (byte)region ? seen : MixedRegions;

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
