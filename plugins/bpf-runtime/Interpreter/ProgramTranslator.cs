using Framework.Plugins.BpfRuntime.Isa;
using static Framework.Plugins.BpfRuntime.Isa.BpfOpcode;

namespace Framework.Plugins.BpfRuntime.Interpreter;

/// <summary>
/// Translates validated instructions into the interpreter's pre-decoded form once, at load time:
/// dense operations, absolute jump targets, resolved helper and map indexes, and a sentinel slot
/// after the last instruction so that running off the end is caught without a bounds check.
/// </summary>
internal static class ProgramTranslator
{
    /// <summary>Marks a map reference in a register: the value cannot be dereferenced (it is far above
    /// every region) and carries the index into the program's map table in its low bits.</summary>
    public const ulong MapPointerTag = 0x7fe0_0000_0000_0000UL;

    /// <param name="code">Instructions that passed <see cref="BpfDecoder.Validate"/>.</param>
    /// <param name="resolveHelper">Helper id and instruction index to an index into the program's
    /// helper table; throws <see cref="BpfException"/> for an unknown or forbidden helper.</param>
    /// <param name="resolveMap">src_reg (1 or 5 for the map, 2 or 6 for its value), imm and
    /// instruction index to an index into the program's map table; throws for a bad reference.</param>
    public static Slot[] Translate(ReadOnlySpan<BpfInstruction> code, Func<int, int, int> resolveHelper, Func<int, int, int, int> resolveMap)
    {
        var slots = new Slot[code.Length + 1];
        for (var i = 0; i < code.Length; i++)
        {
            var insn = code[i];
            ref var s = ref slots[i];
            s.Dst = insn.Dst;
            s.Src = insn.Src;
            s.Imm = insn.Imm;
            s.Off = insn.Offset;
            var opcode = insn.Opcode;
            var op = opcode & 0xf0;
            var isReg = (opcode & X) != 0;
            switch (opcode & 0x07)
            {
                case Alu64:
                case Alu:
                    s.Op = TranslateAlu(insn, (opcode & 0x07) == Alu64, op, isReg);
                    break;
                case Jmp:
                case Jmp32:
                    s.Op = TranslateJump(insn, i, (opcode & 0x07) == Jmp32, op, isReg, ref s, resolveHelper);
                    break;
                case Ld:
                    if (opcode == LdDw)
                    {
                        var wide = (long)((ulong)(uint)insn.Imm | ((ulong)(uint)code[i + 1].Imm << 32));
                        switch (insn.Src)
                        {
                            case PseudoImm:
                                s.Op = Op.LdImm64;
                                s.Imm = wide;
                                break;
                            case PseudoMapFd or PseudoMapIdx:
                                s.Op = Op.LdMapPointer;
                                s.Imm = (long)(MapPointerTag | (uint)resolveMap(insn.Src, insn.Imm, i));
                                break;
                            case PseudoMapValue or PseudoMapIdxValue:
                                s.Op = Op.LdMapValue;
                                s.Off = resolveMap(insn.Src, insn.Imm, i);
                                s.Imm = (uint)code[i + 1].Imm;
                                break;
                            default:
                                throw new BpfException(BpfErrno.EINVAL, $"64-bit immediate load with src_reg {insn.Src} (BTF variable or function address) is not supported", i);
                        }

                        // The second half is never executed: LdImm64 skips it.
                        slots[i + 1].Op = Op.FellOff;
                        i++;
                    }
                    else
                    {
                        var size = opcode & 0x18;
                        var abs = (opcode & 0xe0) == Abs;
                        s.Op = size switch
                        {
                            B => abs ? Op.LdAbsB : Op.LdIndB,
                            H => abs ? Op.LdAbsH : Op.LdIndH,
                            _ => abs ? Op.LdAbsW : Op.LdIndW,
                        };
                    }

                    break;
                case Ldx:
                    {
                        var sx = (opcode & 0xe0) == MemSx;
                        s.Op = (opcode & 0x18) switch
                        {
                            B => sx ? Op.LdxSB : Op.LdxB,
                            H => sx ? Op.LdxSH : Op.LdxH,
                            W => sx ? Op.LdxSW : Op.LdxW,
                            _ => Op.LdxDW,
                        };
                        break;
                    }

                case St:
                    s.Op = (opcode & 0x18) switch { B => Op.StB, H => Op.StH, W => Op.StW, _ => Op.StDW };
                    break;
                default:
                    if ((opcode & 0xe0) == Mem)
                    {
                        s.Op = (opcode & 0x18) switch { B => Op.StxB, H => Op.StxH, W => Op.StxW, _ => Op.StxDW };
                    }
                    else
                    {
                        var is64 = (opcode & 0x18) == DW;
                        s.Op = insn.Imm switch
                        {
                            AtomicAdd => is64 ? Op.AtomicAdd64 : Op.AtomicAdd32,
                            AtomicOr => is64 ? Op.AtomicOr64 : Op.AtomicOr32,
                            AtomicAnd => is64 ? Op.AtomicAnd64 : Op.AtomicAnd32,
                            AtomicXor => is64 ? Op.AtomicXor64 : Op.AtomicXor32,
                            AtomicAdd | AtomicFetch => is64 ? Op.AtomicFetchAdd64 : Op.AtomicFetchAdd32,
                            AtomicOr | AtomicFetch => is64 ? Op.AtomicFetchOr64 : Op.AtomicFetchOr32,
                            AtomicAnd | AtomicFetch => is64 ? Op.AtomicFetchAnd64 : Op.AtomicFetchAnd32,
                            AtomicXor | AtomicFetch => is64 ? Op.AtomicFetchXor64 : Op.AtomicFetchXor32,
                            AtomicXchg => is64 ? Op.AtomicXchg64 : Op.AtomicXchg32,
                            _ => is64 ? Op.AtomicCmpXchg64 : Op.AtomicCmpXchg32,
                        };
                    }

                    break;
            }
        }

        slots[code.Length].Op = Op.FellOff;
        return slots;
    }

    private static Op TranslateAlu(BpfInstruction insn, bool is64, int op, bool isReg)
    {
        if (op == End)
        {
            if (is64)
            {
                return insn.Imm switch { 16 => Op.Bswap16, 32 => Op.Bswap32, _ => Op.Bswap64 };
            }

            return isReg
                ? insn.Imm switch { 16 => Op.Be16, 32 => Op.Be32, _ => Op.Be64 }
                : insn.Imm switch { 16 => Op.Le16, 32 => Op.Le32, _ => Op.Nop };
        }

        if (op == Neg)
        {
            return is64 ? Op.Neg64 : Op.Neg32;
        }

        if (op == Mov && isReg && insn.Offset != 0)
        {
            return (is64, insn.Offset) switch
            {
                (true, 8) => Op.MovSx8To64,
                (true, 16) => Op.MovSx16To64,
                (true, _) => Op.MovSx32To64,
                (false, 8) => Op.MovSx8To32,
                _ => Op.MovSx16To32,
            };
        }

        var signed = insn.Offset == 1;
        var index = op switch
        {
            Add => 0,
            Sub => 1,
            Mul => 2,
            Div => signed ? 4 : 3,
            Or => 5,
            And => 6,
            Lsh => 7,
            Rsh => 8,
            Mod => signed ? 10 : 9,
            Xor => 11,
            Mov => 12,
            _ => 13, // Arsh
        };

        // The Op enum lists Add..Arsh as Imm, Reg pairs, 64-bit first, then 32-bit.
        var first = is64 ? Op.Add64Imm : Op.Add32Imm;
        return (Op)((int)first + (index * 2) + (isReg ? 1 : 0));
    }

    private static Op TranslateJump(BpfInstruction insn, int i, bool is32, int op, bool isReg, ref Slot s, Func<int, int, int> resolveHelper)
    {
        switch (op)
        {
            case Ja:
                s.Off = is32 ? i + insn.Imm + 1 : i + insn.Offset + 1;
                return Op.Ja;
            case Exit:
                return Op.Exit;
            case Call:
                if (isReg)
                {
                    s.Dst = (byte)(insn.Dst != 0 || insn.Imm == 0 ? insn.Dst : insn.Imm);
                    return Op.CallX;
                }

                if (insn.Src == CallLocal)
                {
                    s.Off = i + insn.Imm + 1;
                    return Op.CallLocal;
                }

                s.Off = resolveHelper(insn.Imm, i);
                return Op.CallHelper;
        }

        s.Off = i + insn.Offset + 1;
        var index = op switch
        {
            Jeq => 0,
            Jgt => 1,
            Jge => 2,
            Jset => 3,
            Jne => 4,
            Jsgt => 5,
            Jsge => 6,
            Jlt => 7,
            Jle => 8,
            Jslt => 9,
            _ => 10, // Jsle
        };

        // The Op enum lists each condition as 64 Imm, 64 Reg, 32 Imm, 32 Reg.
        return (Op)((int)Op.JEq64Imm + (index * 4) + (is32 ? 2 : 0) + (isReg ? 1 : 0));
    }
}
