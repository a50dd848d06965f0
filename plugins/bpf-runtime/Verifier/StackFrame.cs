namespace Framework.Plugins.BpfRuntime.Verifier;

/// <summary>
/// One frame's 512-byte stack as the verifier sees it: a mark per byte and, for every aligned
/// 8-byte slot holding a spilled register, that register's state (so a pointer or a bounded scalar
/// spilled and filled again keeps its type and bounds).
/// </summary>
internal sealed class StackFrame
{
    public const int Size = 512;

    public StackSlotKind[] Bytes { get; } = new StackSlotKind[Size];

    public RegisterState[] Spills { get; } = new RegisterState[Size / 8];

    /// <summary>The deepest byte written so far (for the log's stack depth).</summary>
    public int Depth { get; set; }

    public StackFrame Clone()
    {
        var copy = new StackFrame { Depth = Depth };
        Bytes.CopyTo(copy.Bytes, 0);
        Spills.CopyTo(copy.Spills, 0);
        return copy;
    }

    /// <summary>Records a store of <paramref name="size"/> bytes at frame offset <paramref name="offset"/>
    /// (negative, from the frame pointer).</summary>
    public void Store(int offset, int size, RegisterState value)
    {
        var start = Size + offset;
        Depth = Math.Max(Depth, -offset);

        // A store that overlaps a spilled register destroys the spill as a whole.
        for (var slot = start / 8; slot <= (start + size - 1) / 8; slot++)
        {
            if (Bytes[slot * 8] == StackSlotKind.Spill)
            {
                for (var b = slot * 8; b < (slot * 8) + 8; b++)
                {
                    Bytes[b] = StackSlotKind.Misc;
                }

                Spills[slot] = default;
            }
        }

        if (size == 8 && (start & 7) == 0 && value.Type != RegisterType.NotInit)
        {
            Array.Fill(Bytes, StackSlotKind.Spill, start, 8);
            Spills[start / 8] = value;
            return;
        }

        var zero = value.Type == RegisterType.Scalar && value.Bounds.IsConstant && value.Bounds.Value == 0;
        Array.Fill(Bytes, zero ? StackSlotKind.Zero : StackSlotKind.Misc, start, size);
    }

    /// <summary>Whether every byte of [offset, offset + size) was written.</summary>
    public bool IsInitialized(int offset, int size)
    {
        var start = Size + offset;
        for (var b = start; b < start + size; b++)
        {
            if (Bytes[b] == StackSlotKind.Invalid)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>What a load of <paramref name="size"/> bytes at <paramref name="offset"/> gives
    /// (the bytes must be initialized).</summary>
    public RegisterState Load(int offset, int size)
    {
        var start = Size + offset;
        if (size == 8 && (start & 7) == 0 && Bytes[start] == StackSlotKind.Spill)
        {
            return Spills[start / 8];
        }

        var allZero = true;
        for (var b = start; b < start + size; b++)
        {
            allZero &= Bytes[b] == StackSlotKind.Zero;
        }

        if (allZero)
        {
            return RegisterState.Constant(0);
        }

        // A narrower fill of a spilled scalar: its low bytes when it fits (little-endian).
        if ((start & 7) == 0 && Bytes[start] == StackSlotKind.Spill && Spills[start / 8].Type == RegisterType.Scalar)
        {
            var spilled = Spills[start / 8].Bounds;
            var max = size == 8 ? ulong.MaxValue : (1UL << (size * 8)) - 1;
            if (spilled.UMax <= max)
            {
                return RegisterState.Scalar(spilled);
            }
        }

        return size == 8 ? RegisterState.UnknownScalar : RegisterState.Scalar(ScalarBounds.Range(0, (1UL << (size * 8)) - 1));
    }

    /// <summary>Whether [offset, offset + size) holds a spilled pointer (partially or wholly).</summary>
    public bool HoldsPointer(int offset, int size)
    {
        var start = Size + offset;
        for (var slot = start / 8; slot <= (start + size - 1) / 8; slot++)
        {
            if (Bytes[slot * 8] == StackSlotKind.Spill && Spills[slot].IsPointer)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether every value this frame allows is allowed by <paramref name="old"/>.</summary>
    public bool IsWithin(StackFrame old, Dictionary<int, int> ids)
    {
        for (var b = 0; b < Size; b++)
        {
            var was = old.Bytes[b];
            var now = Bytes[b];
            if (was == StackSlotKind.Invalid || was == now && was != StackSlotKind.Spill)
            {
                continue;
            }

            if (was == StackSlotKind.Misc && now is StackSlotKind.Zero)
            {
                continue;
            }

            if (was == StackSlotKind.Misc && now == StackSlotKind.Spill && Spills[b / 8].Type == RegisterType.Scalar)
            {
                continue;
            }

            if (was == StackSlotKind.Spill && now == StackSlotKind.Spill)
            {
                if ((b & 7) == 0 && !Spills[b / 8].IsWithin(old.Spills[b / 8], ids))
                {
                    return false;
                }

                continue;
            }

            return false;
        }

        return true;
    }
}
