namespace Framework.Plugins.BpfRuntime.Verifier;

/// <summary>
/// The abstract machine state on one path: a stack of call frames, each with its registers, its
/// 512-byte stack and the instruction its caller resumes at.
/// </summary>
internal sealed class VerifierState
{
    public const int MaxFrames = 8;

    public List<FrameState> Frames { get; } = [];

    public FrameState Current => Frames[^1];

    public RegisterState[] Registers => Current.Registers;

    public VerifierState Clone()
    {
        var copy = new VerifierState();
        foreach (var f in Frames)
        {
            copy.Frames.Add(f.Clone());
        }

        return copy;
    }

    /// <summary>Applies <paramref name="update"/> to every register and spilled register with the
    /// given nonzero id, in every frame (a null check or a bounds check holds for every copy).</summary>
    public void UpdateById(int id, Func<RegisterState, RegisterState> update)
    {
        if (id == 0)
        {
            return;
        }

        foreach (var f in Frames)
        {
            for (var r = 0; r < f.Registers.Length; r++)
            {
                if (f.Registers[r].Id == id && f.Registers[r].Type != RegisterType.NotInit)
                {
                    f.Registers[r] = update(f.Registers[r]);
                }
            }

            for (var s = 0; s < f.Stack.Spills.Length; s++)
            {
                if (f.Stack.Bytes[s * 8] == StackSlotKind.Spill && f.Stack.Spills[s].Id == id)
                {
                    f.Stack.Spills[s] = update(f.Stack.Spills[s]);
                }
            }
        }
    }

    /// <summary>Applies <paramref name="update"/> to every packet pointer (registers and spills).</summary>
    public void UpdatePacketPointers(Func<RegisterState, RegisterState> update)
    {
        foreach (var f in Frames)
        {
            for (var r = 0; r < f.Registers.Length; r++)
            {
                if (f.Registers[r].Type == RegisterType.Packet)
                {
                    f.Registers[r] = update(f.Registers[r]);
                }
            }

            for (var s = 0; s < f.Stack.Spills.Length; s++)
            {
                if (f.Stack.Bytes[s * 8] == StackSlotKind.Spill && f.Stack.Spills[s].Type == RegisterType.Packet)
                {
                    f.Stack.Spills[s] = update(f.Stack.Spills[s]);
                }
            }
        }
    }

    /// <summary>Whether every concrete state this one allows is allowed by <paramref name="old"/>.</summary>
    public bool IsWithin(VerifierState old)
    {
        if (old.Frames.Count != Frames.Count)
        {
            return false;
        }

        var ids = new Dictionary<int, int>();
        for (var i = 0; i < Frames.Count; i++)
        {
            var a = Frames[i];
            var b = old.Frames[i];
            if (a.ReturnPc != b.ReturnPc)
            {
                return false;
            }

            for (var r = 0; r < a.Registers.Length; r++)
            {
                if (!a.Registers[r].IsWithin(b.Registers[r], ids))
                {
                    return false;
                }
            }

            if (!a.Stack.IsWithin(b.Stack, ids))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether both states allow exactly the same values (a loop that made no progress).</summary>
    public bool IsSameAs(VerifierState other) => IsWithin(other) && other.IsWithin(this);
}

/// <summary>One call frame: registers r0-r10, the frame's stack, and the caller's resume point.</summary>
internal sealed class FrameState
{
    public RegisterState[] Registers { get; } = new RegisterState[11];

    public StackFrame Stack { get; private init; } = new();

    /// <summary>Where the caller resumes (-1 in the main program).</summary>
    public int ReturnPc { get; init; } = -1;

    public FrameState Clone()
    {
        var copy = new FrameState { Stack = Stack.Clone(), ReturnPc = ReturnPc };
        Registers.CopyTo(copy.Registers, 0);
        return copy;
    }
}
