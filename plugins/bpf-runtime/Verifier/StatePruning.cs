namespace Framework.Plugins.BpfRuntime.Verifier;

/// <summary>
/// The states already met at each prune point (the kernel's explored states). A path reaching a
/// prune point in a state that lies within a state whose exploration is complete is safe and stops
/// there. A state still being explored (an ancestor of the current path) is never used to prune;
/// meeting one again unchanged means a loop that makes no progress.
/// </summary>
internal sealed class StatePruning
{
    /// <summary>States kept per instruction; beyond this a prune point stops recording (the
    /// complexity limit still bounds the exploration).</summary>
    public const int MaxStatesPerInstruction = 64;

    private readonly List<ExploredState>?[] _byPc;

    public StatePruning(int instructionCount) => _byPc = new List<ExploredState>?[instructionCount];

    public int TotalStates { get; private set; }

    public int PeakStatesPerInstruction { get; private set; }

    /// <summary>Whether <paramref name="state"/> at <paramref name="pc"/> lies within a completely
    /// explored state.</summary>
    public bool IsCovered(int pc, VerifierState state)
    {
        var list = _byPc[pc];
        if (list is null)
        {
            return false;
        }

        foreach (var explored in list)
        {
            if (explored.Branches == 0 && state.IsWithin(explored.State))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Records the state at a prune point as a child of <paramref name="parent"/>; null when
    /// the instruction holds the maximum already.</summary>
    public ExploredState? Record(int pc, VerifierState state, ExploredState? parent)
    {
        var list = _byPc[pc] ??= [];
        if (list.Count >= MaxStatesPerInstruction)
        {
            return null;
        }

        var entry = new ExploredState(pc, state.Clone(), parent);
        list.Add(entry);
        TotalStates++;
        PeakStatesPerInstruction = Math.Max(PeakStatesPerInstruction, list.Count);
        return entry;
    }

    /// <summary>A path under <paramref name="head"/> ended (exit, pruned or dead branch): the
    /// states it kept open may now be complete.</summary>
    public static void PathEnded(ExploredState? head)
    {
        while (head is not null)
        {
            head.Branches--;
            if (head.Branches > 0)
            {
                return;
            }

            head = head.Parent;
        }
    }

    /// <summary>Whether an ancestor at the same instruction (among the nearest few) is the same
    /// state: the loop it heads made no progress and would never end.</summary>
    public static bool LoopsWithoutProgress(int pc, VerifierState state, ExploredState? head)
    {
        var seen = 0;
        for (var e = head; e is not null && seen < 4; e = e.Parent)
        {
            if (e.Pc == pc)
            {
                seen++;
                if (state.IsSameAs(e.State))
                {
                    return true;
                }
            }
        }

        return false;
    }
}

/// <summary>A state recorded at a prune point, with the number of paths below it still open.</summary>
internal sealed class ExploredState(int pc, VerifierState state, ExploredState? parent)
{
    public int Pc { get; } = pc;

    public VerifierState State { get; } = state;

    public ExploredState? Parent { get; } = parent;

    public int Branches { get; set; } = 1;
}
