using Framework.Plugins.BpfRuntime.Isa;
using static Framework.Plugins.BpfRuntime.Isa.BpfOpcode;

namespace Framework.Plugins.BpfRuntime.Verifier;

/// <summary>
/// The control-flow check that runs before the path exploration (the kernel's <c>check_cfg</c>):
/// every jump and call lands inside the program and never in the second half of a 64-bit immediate
/// load, every instruction is reachable, execution never runs off the end, and (for unprivileged
/// programs, which may not loop) there is no back-edge. It also finds the prune points: the
/// instructions where paths meet, at which the exploration compares states.
/// </summary>
internal sealed class ControlFlowGraph
{
    private ControlFlowGraph(bool[] prunePoints, bool[] secondHalf, bool[] subprogramStarts)
    {
        PrunePoints = prunePoints;
        SecondHalf = secondHalf;
        SubprogramStarts = subprogramStarts;
    }

    /// <summary>Instructions where the exploration looks for an equivalent state already proven safe.</summary>
    public bool[] PrunePoints { get; }

    /// <summary>The second slots of 64-bit immediate loads.</summary>
    public bool[] SecondHalf { get; }

    /// <summary>Instruction 0 and every target of a local call.</summary>
    public bool[] SubprogramStarts { get; }

    /// <summary>The target of the jump at <paramref name="pc"/> (gotol takes its offset from imm).</summary>
    public static int JumpTarget(BpfInstruction insn, int pc) =>
        insn.Class == BpfInstructionClass.Jmp32 && (insn.Opcode & 0xf0) == Ja ? pc + insn.Imm + 1 : pc + insn.Offset + 1;

    public static bool IsLocalCall(BpfInstruction insn) => insn.Opcode == (Jmp | Call) && insn.Src == CallLocal;

    /// <summary>Builds the graph or throws the rejection naming the instruction.</summary>
    /// <exception cref="VerifierRejection">A rule is broken.</exception>
    public static ControlFlowGraph Build(ReadOnlySpan<BpfInstruction> code, bool allowLoops)
    {
        var n = code.Length;
        var secondHalf = new bool[n];
        var prune = new bool[n];
        var starts = new bool[n];
        starts[0] = true;
        for (var i = 0; i < n; i++)
        {
            if (code[i].Opcode == LdDw && i + 1 < n)
            {
                secondHalf[i + 1] = true;
                if (code[i].Src == PseudoFunc)
                {
                    throw new VerifierRejection(i, "callback function references (ld_imm64 of a function) are not supported");
                }

                i++;
            }
        }

        void CheckTarget(int from, int to, bool call)
        {
            if (to < 0 || to >= n)
            {
                throw new VerifierRejection(from, call ? $"call to invalid destination {to}" : $"jump out of range from insn {from} to {to}");
            }

            if (secondHalf[to])
            {
                throw new VerifierRejection(from, $"jump to the middle of ldimm64 insn {to - 1}");
            }
        }

        for (var i = 0; i < n; i++)
        {
            var insn = code[i];
            if (secondHalf[i])
            {
                continue;
            }

            if (insn.Class is not (BpfInstructionClass.Jmp or BpfInstructionClass.Jmp32))
            {
                continue;
            }

            var op = insn.Opcode & 0xf0;
            if (op == Exit)
            {
                continue;
            }

            if (op == Call)
            {
                if (insn.Src == CallLocal)
                {
                    CheckTarget(i, i + insn.Imm + 1, call: true);
                    starts[i + insn.Imm + 1] = true;
                    if (i + 1 < n)
                    {
                        prune[i + 1] = true;
                    }
                }

                continue;
            }

            var target = JumpTarget(insn, i);
            CheckTarget(i, target, call: false);
            prune[target] = true;
            if (op != Ja && i + 1 < n)
            {
                prune[i + 1] = true;
            }
        }

        // Depth-first walk from every subprogram start: reachability, running off the end, back-edges.
        var color = new byte[n]; // 0 unseen, 1 on the walk's stack, 2 done
        var stack = new Stack<(int Pc, int Edge)>();
        for (var s = 0; s < n; s++)
        {
            if (!starts[s] || color[s] != 0)
            {
                continue;
            }

            stack.Push((s, 0));
            color[s] = 1;
            while (stack.Count > 0)
            {
                var (pc, edge) = stack.Pop();
                var next = Successor(code, pc, edge);
                if (next == -2)
                {
                    color[pc] = 2;
                    continue;
                }

                stack.Push((pc, edge + 1));
                if (next >= n)
                {
                    throw new VerifierRejection(pc, "last insn is not an exit or jmp (execution would run past the end)");
                }

                if (color[next] == 1 && !allowLoops)
                {
                    throw new VerifierRejection(pc, $"back-edge from insn {pc} to {next}");
                }

                if (color[next] == 0)
                {
                    color[next] = 1;
                    stack.Push((next, 0));
                }
            }
        }

        for (var i = 0; i < n; i++)
        {
            if (color[i] == 0 && !secondHalf[i])
            {
                throw new VerifierRejection(i, $"unreachable insn {i}");
            }
        }

        return new ControlFlowGraph(prune, secondHalf, starts);
    }

    /// <summary>The <paramref name="edge"/>-th successor of <paramref name="pc"/> (-2: none left).</summary>
    private static int Successor(ReadOnlySpan<BpfInstruction> code, int pc, int edge)
    {
        var insn = code[pc];
        var fall = pc + (insn.Opcode == LdDw ? 2 : 1);
        if (insn.Class is BpfInstructionClass.Jmp or BpfInstructionClass.Jmp32)
        {
            var op = insn.Opcode & 0xf0;
            if (op == Exit)
            {
                return -2;
            }

            if (op == Call)
            {
                return edge == 0 ? fall : -2;
            }

            if (op == Ja)
            {
                return edge == 0 ? JumpTarget(insn, pc) : -2;
            }

            if (edge == 0)
            {
                return fall;
            }

            return edge == 1 ? JumpTarget(insn, pc) : -2;
        }

        return edge == 0 ? fall : -2;
    }
}
