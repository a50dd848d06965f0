namespace Framework.Plugins.BpfRuntime.Interpreter;

/// <summary>
/// The instruction budget's charges for the interpreter, computed once at load: for every
/// instruction, how many instructions a run executes from it to the end of its straight-line
/// stretch (the next jump, call, exit, or the second half of a wide load or the sentinel, which
/// end a run when executed). Control enters a stretch only at its start or by a jump or return into
/// it, and then runs to its end unless the run stops, so the interpreter charges a stretch's cost
/// once, where it enters, instead of counting every instruction.
/// </summary>
internal static class StretchCosts
{
    /// <param name="code">Translated code, ending in its <see cref="Op.FellOff"/> sentinel.</param>
    public static int[] Compute(ReadOnlySpan<Slot> code)
    {
        var costs = new int[code.Length];
        for (var i = code.Length - 1; i >= 0; i--)
        {
            var op = code[i].Op;
            var next = IsWide(op) ? i + 2 : i + 1;
            costs[i] = EndsStretch(op) || next >= code.Length ? 1 : 1 + costs[next];
        }

        return costs;
    }

    /// <summary>The slot of the instruction that would exhaust the budget: the first that a run
    /// entering the stretch at <paramref name="pc"/> with <paramref name="remaining"/> instructions
    /// of budget left may not execute (wide loads take two slots and count once).</summary>
    /// <param name="remaining">Less than the stretch's cost, so the slot is inside the stretch.</param>
    public static int ExhaustingSlot(ReadOnlySpan<Slot> code, int pc, long remaining)
    {
        var slot = pc;
        for (var n = remaining; n > 0; n--)
        {
            slot += IsWide(code[slot].Op) ? 2 : 1;
        }

        return slot;
    }

    /// <summary>Instructions after which the next one executed is not the next in the code, or
    /// which end the run when executed.</summary>
    public static bool EndsStretch(Op op) =>
        op is Op.Ja or Op.Exit or Op.CallLocal or Op.CallHelper or Op.CallX or Op.FellOff or Op.BudgetExhausted
            or (>= Op.JEq64Imm and <= Op.JSle32Reg);

    private static bool IsWide(Op op) => op is Op.LdImm64 or Op.LdMapPointer or Op.LdMapValue;
}
