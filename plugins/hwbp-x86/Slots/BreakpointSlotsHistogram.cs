namespace Framework.Plugins.HwbpX86.Slots;

/// <summary>
/// The kernel's <c>bp_slots_histogram</c>: how many owners (CPUs or tasks) use how many slots.
/// <c>count[n]</c> is the number of owners that use n+1 slots, so the highest non-empty bucket is the
/// largest use without walking every owner.
/// </summary>
internal sealed class BreakpointSlotsHistogram(int slots)
{
    private readonly int[] _count = new int[slots];

    /// <summary>Moves one owner from using <paramref name="old"/> slots to <paramref name="old"/> + <paramref name="delta"/>.</summary>
    public void Add(int old, int delta)
    {
        var oldIndex = old - 1;
        var newIndex = oldIndex + delta;
        if (oldIndex >= 0)
        {
            Decrement(oldIndex);
        }

        if (newIndex >= 0)
        {
            if (newIndex >= _count.Length)
            {
                throw new InvalidOperationException($"breakpoint slots histogram: an owner would use {newIndex + 1} of {_count.Length} slots.");
            }

            _count[newIndex]++;
        }
    }

    /// <summary>The largest number of slots any owner uses.</summary>
    public int Max() => Max(null);

    /// <summary>The largest number of slots any owner uses in this histogram and <paramref name="other"/> summed bucket by bucket.</summary>
    public int Max(BreakpointSlotsHistogram? other)
    {
        for (var i = _count.Length - 1; i >= 0; i--)
        {
            if (_count[i] + (other?._count[i] ?? 0) > 0)
            {
                return i + 1;
            }
        }

        return 0;
    }

    /// <summary>True when no owner uses a slot.</summary>
    public bool IsEmpty => Array.TrueForAll(_count, c => c == 0);

    private void Decrement(int index)
    {
        if (index >= _count.Length || _count[index] == 0)
        {
            throw new InvalidOperationException("inconsistent breakpoint slots histogram");
        }

        _count[index]--;
    }
}
