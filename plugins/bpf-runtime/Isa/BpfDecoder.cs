using static Framework.Plugins.BpfRuntime.Isa.BpfOpcode;

namespace Framework.Plugins.BpfRuntime.Isa;

/// <summary>
/// Decodes and validates instruction streams against RFC 9669: known opcodes, valid registers
/// (r10 is read-only), well-formed 64-bit immediate loads, jump and call targets inside the
/// program and not into the middle of a wide instruction. Every rejection is a
/// <see cref="BpfException"/> (EINVAL) naming the instruction index. Thread-safe (stateless).
/// </summary>
public static class BpfDecoder
{
    /// <summary>Decodes bytes into instruction slots and validates them.</summary>
    /// <param name="bytes">The program, a multiple of 8 bytes.</param>
    /// <exception cref="BpfException">The stream is empty, truncated or invalid.</exception>
    public static BpfInstruction[] Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % BpfInstruction.Size != 0)
        {
            throw new BpfException(BpfErrno.EINVAL, $"program length {bytes.Length} is not a multiple of 8 (truncated instruction)", bytes.Length / BpfInstruction.Size);
        }

        var instructions = new BpfInstruction[bytes.Length / BpfInstruction.Size];
        for (var i = 0; i < instructions.Length; i++)
        {
            instructions[i] = BpfInstruction.Read(bytes.Slice(i * BpfInstruction.Size, BpfInstruction.Size));
        }

        Validate(instructions);
        return instructions;
    }

    /// <summary>Validates decoded slots.</summary>
    /// <exception cref="BpfException">The first invalid instruction, by index.</exception>
    public static void Validate(ReadOnlySpan<BpfInstruction> code)
    {
        if (code.Length == 0)
        {
            throw new BpfException(BpfErrno.EINVAL, "empty program", 0);
        }

        // First pass: shapes, and which slots are the second half of a wide load.
        var isSecondHalf = new bool[code.Length];
        for (var i = 0; i < code.Length; i++)
        {
            if (isSecondHalf[i])
            {
                continue;
            }

            ValidateShape(code, i);
            if (code[i].Opcode == LdDw)
            {
                isSecondHalf[i + 1] = true;
            }
        }

        // Second pass: control-flow targets.
        for (var i = 0; i < code.Length; i++)
        {
            if (isSecondHalf[i])
            {
                continue;
            }

            var target = JumpTarget(code[i], i);
            if (target is { } t && (t < 0 || t >= code.Length || isSecondHalf[t]))
            {
                var what = t < 0 || t >= code.Length ? "out of range" : "into the middle of a 64-bit immediate load";
                throw new BpfException(BpfErrno.EINVAL, $"jump to {t} is {what} (program has {code.Length} slots)", i);
            }
        }
    }

    /// <summary>The absolute target of a jump or local call at <paramref name="index"/>, or null for
    /// other instructions.</summary>
    public static int? JumpTarget(BpfInstruction insn, int index)
    {
        var cls = insn.Opcode & 0x07;
        if (cls != Jmp && cls != Jmp32)
        {
            return null;
        }

        var op = insn.Opcode & 0xf0;
        if (op == Exit)
        {
            return null;
        }

        if (op == Call)
        {
            return (insn.Opcode & X) == 0 && insn.Src == CallLocal ? index + insn.Imm + 1 : null;
        }

        if (op == Ja && cls == Jmp32)
        {
            return index + insn.Imm + 1;
        }

        return index + insn.Offset + 1;
    }

    private static void ValidateShape(ReadOnlySpan<BpfInstruction> code, int i)
    {
        var insn = code[i];
        var opcode = insn.Opcode;
        switch (opcode & 0x07)
        {
            case Alu:
            case Alu64:
                ValidateAlu(insn, i);
                break;
            case Jmp:
            case Jmp32:
                ValidateJump(insn, i);
                break;
            case Ld:
                ValidateLd(code, i);
                break;
            case Ldx:
                {
                    var mode = opcode & 0xe0;
                    var size = opcode & 0x18;
                    if (mode != Mem && !(mode == MemSx && size != DW))
                    {
                        throw Unknown(insn, i);
                    }

                    WritableDst(insn, i);
                    Register(insn.Src, i, "src");
                    break;
                }

            case St:
                if ((opcode & 0xe0) != Mem)
                {
                    throw Unknown(insn, i);
                }

                Register(insn.Dst, i, "dst");
                break;
            default: // Stx
                {
                    var mode = opcode & 0xe0;
                    var size = opcode & 0x18;
                    if (mode == Atomic)
                    {
                        if (size != W && size != DW)
                        {
                            throw new BpfException(BpfErrno.EINVAL, $"atomic operation with size {SizeName(size)}: only 32 and 64 bit exist", i);
                        }

                        if (insn.Imm is not (AtomicAdd or AtomicOr or AtomicAnd or AtomicXor
                            or (AtomicAdd | AtomicFetch) or (AtomicOr | AtomicFetch) or (AtomicAnd | AtomicFetch)
                            or (AtomicXor | AtomicFetch) or AtomicXchg or AtomicCmpXchg))
                        {
                            throw new BpfException(BpfErrno.EINVAL, $"unknown atomic operation 0x{insn.Imm:x}", i);
                        }
                    }
                    else if (mode != Mem)
                    {
                        throw Unknown(insn, i);
                    }

                    Register(insn.Dst, i, "dst");
                    Register(insn.Src, i, "src");
                    break;
                }
        }
    }

    private static void ValidateAlu(BpfInstruction insn, int i)
    {
        var is64 = (insn.Opcode & 0x07) == Alu64;
        var op = insn.Opcode & 0xf0;
        var isReg = (insn.Opcode & X) != 0;
        WritableDst(insn, i);
        switch (op)
        {
            case Add or Sub or Mul or Or or And or Lsh or Rsh or Xor or Arsh:
                ZeroOffset(insn, i);
                break;
            case Div or Mod:
                if (insn.Offset is not (0 or 1))
                {
                    throw new BpfException(BpfErrno.EINVAL, $"{(op == Div ? "div" : "mod")} with offset {insn.Offset}: 0 (unsigned) or 1 (signed) expected", i);
                }

                break;
            case Mov:
                if (isReg ? insn.Offset is not (0 or 8 or 16) && !(is64 && insn.Offset == 32) : insn.Offset != 0)
                {
                    throw new BpfException(BpfErrno.EINVAL, $"mov with offset {insn.Offset}: sign extension from 8, 16{(is64 ? " or 32" : string.Empty)} bits only", i);
                }

                break;
            case Neg:
                if (isReg)
                {
                    throw new BpfException(BpfErrno.EINVAL, "neg with the register source bit set", i);
                }

                ZeroOffset(insn, i);
                return;
            case End:
                if (is64 && isReg)
                {
                    throw new BpfException(BpfErrno.EINVAL, "64-bit byte swap with the source bit set", i);
                }

                if (insn.Imm is not (16 or 32 or 64))
                {
                    throw new BpfException(BpfErrno.EINVAL, $"byte swap width {insn.Imm}: 16, 32 or 64 expected", i);
                }

                ZeroOffset(insn, i);
                return;
            default:
                throw Unknown(insn, i);
        }

        if (isReg)
        {
            Register(insn.Src, i, "src");
        }
    }

    private static void ValidateJump(BpfInstruction insn, int i)
    {
        var is32 = (insn.Opcode & 0x07) == Jmp32;
        var op = insn.Opcode & 0xf0;
        var isReg = (insn.Opcode & X) != 0;
        switch (op)
        {
            case Ja:
                if (isReg)
                {
                    throw Unknown(insn, i);
                }

                return;
            case Exit:
                if (is32 || isReg)
                {
                    throw Unknown(insn, i);
                }

                return;
            case Call:
                if (is32)
                {
                    throw Unknown(insn, i);
                }

                if (isReg)
                {
                    // callx: the target register is dst_reg (LLVM) or, in older encodings, imm.
                    var reg = insn.Dst != 0 || insn.Imm == 0 ? insn.Dst : insn.Imm;
                    if (reg is < 0 or > 10)
                    {
                        throw new BpfException(BpfErrno.EINVAL, $"callx through invalid register r{reg}", i);
                    }

                    return;
                }

                if (insn.Src == CallKfunc)
                {
                    throw new BpfException(BpfErrno.EINVAL, "kernel function calls (src_reg 2) are not supported by this runtime", i);
                }

                if (insn.Src > CallLocal)
                {
                    throw new BpfException(BpfErrno.EINVAL, $"call with unknown src_reg {insn.Src}", i);
                }

                return;
            case Jeq or Jgt or Jge or Jset or Jne or Jsgt or Jsge or Jlt or Jle or Jslt or Jsle:
                Register(insn.Dst, i, "dst");
                if (isReg)
                {
                    Register(insn.Src, i, "src");
                }

                return;
            default:
                throw Unknown(insn, i);
        }
    }

    private static void ValidateLd(ReadOnlySpan<BpfInstruction> code, int i)
    {
        var insn = code[i];
        if (insn.Opcode == LdDw)
        {
            if (i + 1 >= code.Length)
            {
                throw new BpfException(BpfErrno.EINVAL, "truncated 64-bit immediate load: the second slot is missing", i);
            }

            var next = code[i + 1];
            if (next.Opcode != 0 || next.Dst != 0 || next.Src != 0 || next.Offset != 0)
            {
                throw new BpfException(BpfErrno.EINVAL, "the second slot of a 64-bit immediate load must have opcode, registers and offset 0", i + 1);
            }

            if (insn.Src > PseudoMapIdxValue)
            {
                throw new BpfException(BpfErrno.EINVAL, $"64-bit immediate load with unknown src_reg {insn.Src}", i);
            }

            WritableDst(insn, i);
            return;
        }

        var mode = insn.Opcode & 0xe0;
        var size = insn.Opcode & 0x18;
        if ((mode == Abs || mode == Ind) && size != DW)
        {
            if (mode == Ind)
            {
                Register(insn.Src, i, "src");
            }

            return;
        }

        throw Unknown(insn, i);
    }

    private static void ZeroOffset(BpfInstruction insn, int i)
    {
        if (insn.Offset != 0)
        {
            throw new BpfException(BpfErrno.EINVAL, $"non-zero offset {insn.Offset} in an ALU instruction", i);
        }
    }

    private static void WritableDst(BpfInstruction insn, int i)
    {
        if (insn.Dst == 10)
        {
            throw new BpfException(BpfErrno.EINVAL, "frame pointer r10 is read-only", i, "dst");
        }

        Register(insn.Dst, i, "dst");
    }

    private static void Register(int reg, int i, string field)
    {
        if (reg > 10)
        {
            throw new BpfException(BpfErrno.EINVAL, $"invalid register r{reg}", i, field);
        }
    }

    private static BpfException Unknown(BpfInstruction insn, int i) =>
        new(BpfErrno.EINVAL, $"unknown opcode 0x{insn.Opcode:x2}", i, "opcode");

    internal static string SizeName(int size) => size switch
    {
        W => "w",
        H => "h",
        B => "b",
        _ => "dw",
    };
}
