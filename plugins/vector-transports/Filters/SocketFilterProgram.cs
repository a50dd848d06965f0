namespace Framework.Plugins.VectorTransports.Filters;

/// <summary>
/// A classic BPF socket filter, checked the way the kernel's sk_chk_filter checks it before
/// SO_ATTACH_FILTER: 1 to 4096 instructions, known opcodes, jumps that land inside the program,
/// scratch memory indexes below 16, no constant division by zero, and a return as the last
/// instruction. Immutable.
/// </summary>
public sealed class SocketFilterProgram
{
    /// <summary>BPF_MAXINSNS.</summary>
    public const int MaximumInstructions = 4096;

    private const int BPF_LD = 0x00, BPF_LDX = 0x01, BPF_ST = 0x02, BPF_STX = 0x03, BPF_ALU = 0x04, BPF_JMP = 0x05, BPF_RET = 0x06, BPF_MISC = 0x07;

    /// <summary>Checks and wraps the instructions.</summary>
    /// <exception cref="SocketFilterException">The program would be refused; the message names the instruction.</exception>
    public SocketFilterProgram(IReadOnlyList<SocketFilterInstruction> instructions)
    {
        ArgumentNullException.ThrowIfNull(instructions);
        if (instructions.Count is 0 or > MaximumInstructions)
        {
            throw new SocketFilterException($"a socket filter has 1 to {MaximumInstructions} instructions, this one has {instructions.Count}");
        }

        for (var i = 0; i < instructions.Count; i++)
        {
            Check(instructions, i);
        }

        if (instructions[^1].Class != BPF_RET)
        {
            throw new SocketFilterException(instructions.Count - 1, $"instruction {instructions.Count - 1} ({instructions[^1]}): the last instruction must be a return");
        }

        Instructions = instructions.ToArray();
    }

    /// <summary>The instructions.</summary>
    public IReadOnlyList<SocketFilterInstruction> Instructions { get; }

    private static void Check(IReadOnlyList<SocketFilterInstruction> program, int index)
    {
        var insn = program[index];
        var code = insn.Code;
        var mode = code & 0xE0;
        var size = code & 0x18;
        var op = code & 0xF0;
        var source = code & 0x08;
        bool valid = insn.Class switch
        {
            BPF_LD => mode is 0x00 or 0x20 or 0x40 or 0x60 or 0x80 && (mode is 0x00 or 0x60 or 0x80 ? size == 0 : size is 0x00 or 0x08 or 0x10) && (mode != 0x60 || insn.K < 16),
            BPF_LDX => (code is 0x01 or 0x61 or 0x81 or 0xb1) && (code != 0x61 || insn.K < 16),
            BPF_ST or BPF_STX => (code & 0xF8) == 0 && insn.K < 16,
            BPF_ALU => op is 0x00 or 0x10 or 0x20 or 0x30 or 0x40 or 0x50 or 0x60 or 0x70 or 0x80 or 0x90 or 0xa0
                       && (code & 0x07) == BPF_ALU
                       && !(op is 0x30 or 0x90 && source == 0 && insn.K == 0)
                       && !(op == 0x80 && source != 0),
            BPF_JMP => op is 0x00 or 0x10 or 0x20 or 0x30 or 0x40 && (op != 0x00 || source == 0),
            BPF_RET => (code & 0xF8) is 0x00 or 0x08 or 0x10,
            BPF_MISC => code is 0x07 or 0x87,
            _ => false,
        };
        if (!valid)
        {
            throw new SocketFilterException(index, $"instruction {index} ({insn}): unknown or malformed opcode 0x{code:x2}");
        }

        if (insn.Class == BPF_JMP)
        {
            var last = program.Count - 1;
            if (op == 0x00)
            {
                if ((ulong)index + 1 + insn.K > (ulong)last)
                {
                    throw new SocketFilterException(index, $"instruction {index} ({insn}): jump by {insn.K} lands outside the program of {program.Count} instructions");
                }
            }
            else if (index + 1 + insn.JumpTrue > last || index + 1 + insn.JumpFalse > last)
            {
                throw new SocketFilterException(index, $"instruction {index} ({insn}): conditional jump lands outside the program of {program.Count} instructions");
            }
        }
    }
}
