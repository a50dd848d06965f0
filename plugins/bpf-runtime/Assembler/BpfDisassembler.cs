using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Framework.Plugins.BpfRuntime.Isa;
using static Framework.Plugins.BpfRuntime.Isa.BpfOpcode;

namespace Framework.Plugins.BpfRuntime.Assembler;

/// <summary>
/// Turns instruction slots back into the text that <see cref="BpfAssembler"/> reads, so that
/// assembling the output gives the same bytes. Jumps are written as relative offsets
/// (<c>ja +2</c>); a slot that names no instruction is written as <c>.raw 0x...</c>. Thread-safe.
/// </summary>
public static class BpfDisassembler
{
    /// <summary>Disassembles a whole program, one line per instruction.</summary>
    public static string Disassemble(ReadOnlySpan<BpfInstruction> code)
    {
        var text = new StringBuilder();
        for (var i = 0; i < code.Length; i++)
        {
            if (code[i].Opcode == LdDw && i + 1 < code.Length)
            {
                text.Append(FormatWide(code[i], code[i + 1])).Append('\n');
                i++;
                continue;
            }

            text.Append(Format(code[i])).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Formats one single-slot instruction (for a 64-bit immediate load, only its first
    /// slot is described; use <see cref="Disassemble"/> for whole programs).</summary>
    public static string Format(BpfInstruction insn)
    {
        return TryFormat(insn) ?? Raw(insn);
    }

    private static string Raw(BpfInstruction insn)
    {
        Span<byte> bytes = stackalloc byte[8];
        insn.Write(bytes);
        return Invariant($".raw 0x{BinaryPrimitives.ReadUInt64LittleEndian(bytes):x16}");
    }

    private static string FormatWide(BpfInstruction first, BpfInstruction second)
    {
        if (second.Opcode != 0 || second.Dst != 0 || second.Src != 0 || second.Offset != 0 || first.Offset != 0 || first.Dst > 15)
        {
            return Raw(first) + "\n" + Raw(second);
        }

        var dst = R(first.Dst);
        var pseudo = BpfMnemonics.NameOf(BpfMnemonics.Pseudo, first.Src);
        if (first.Src == PseudoImm)
        {
            var value = (ulong)(uint)first.Imm | ((ulong)(uint)second.Imm << 32);
            return Invariant($"lddw {dst}, 0x{value:x}");
        }

        if (pseudo is null)
        {
            return Raw(first) + "\n" + Raw(second);
        }

        return first.Src is PseudoMapValue or PseudoMapIdxValue
            ? Invariant($"lddw {dst}, {pseudo}({first.Imm}+{second.Imm})")
            : second.Imm == 0 ? Invariant($"lddw {dst}, {pseudo}({first.Imm})") : Raw(first) + "\n" + Raw(second);
    }

    private static string? TryFormat(BpfInstruction i)
    {
        var cls = i.Opcode & 0x07;
        var op = i.Opcode & 0xf0;
        var isReg = (i.Opcode & X) != 0;
        switch (cls)
        {
            case Alu:
            case Alu64:
                {
                    var suffix = cls == Alu ? "32" : string.Empty;
                    if (op == End)
                    {
                        if (i.Offset != 0 || i.Src != 0 || i.Imm is not (16 or 32 or 64) || (cls == Alu64 && isReg))
                        {
                            return null;
                        }

                        var name = cls == Alu64 ? "bswap" : isReg ? "be" : "le";
                        return Invariant($"{name}{i.Imm} {R(i.Dst)}");
                    }

                    if (op == Neg)
                    {
                        return isReg || i.Src != 0 || i.Imm != 0 || i.Offset != 0 ? null : $"neg{suffix} {R(i.Dst)}";
                    }

                    var baseName = BpfMnemonics.NameOf(BpfMnemonics.Alu, op);
                    if (baseName is null)
                    {
                        return null;
                    }

                    if (op == Mov && isReg && i.Offset != 0)
                    {
                        return i.Imm != 0 || i.Offset is not (8 or 16 or 32) || (cls == Alu && i.Offset == 32)
                            ? null
                            : Invariant($"movsx{i.Offset}{(cls == Alu ? "32" : "64")} {R(i.Dst)}, {R(i.Src)}");
                    }

                    if (i.Offset == 1 && op is Div or Mod)
                    {
                        baseName = "s" + baseName;
                    }
                    else if (i.Offset != 0)
                    {
                        return null;
                    }

                    return isReg
                        ? i.Imm != 0 ? null : $"{baseName}{suffix} {R(i.Dst)}, {R(i.Src)}"
                        : i.Src != 0 ? null : Invariant($"{baseName}{suffix} {R(i.Dst)}, {i.Imm}");
                }

            case Jmp:
            case Jmp32:
                {
                    if (op == Exit)
                    {
                        return cls == Jmp && i.Opcode == (Jmp | Exit) && i.Dst == 0 && i.Src == 0 && i.Offset == 0 && i.Imm == 0 ? "exit" : null;
                    }

                    if (op == Call)
                    {
                        if (cls != Jmp || i.Offset != 0)
                        {
                            return null;
                        }

                        if (isReg)
                        {
                            return i.Src == 0 && i.Imm == 0 ? $"call {R(i.Dst)}" : null;
                        }

                        return i.Dst != 0 ? null : i.Src switch
                        {
                            CallHelper => Invariant($"call {i.Imm}"),
                            CallLocal => $"call local {Signed(i.Imm)}",
                            CallKfunc => Invariant($"call runtime {i.Imm}"),
                            _ => null,
                        };
                    }

                    if (op == Ja)
                    {
                        if (isReg || i.Dst != 0 || i.Src != 0)
                        {
                            return null;
                        }

                        return cls == Jmp
                            ? i.Imm == 0 ? $"ja {Signed(i.Offset)}" : null
                            : i.Offset == 0 ? $"ja32 {Signed(i.Imm)}" : null;
                    }

                    var name = BpfMnemonics.NameOf(BpfMnemonics.Jump, op);
                    if (name is null)
                    {
                        return null;
                    }

                    var suffix = cls == Jmp32 ? "32" : string.Empty;
                    return isReg
                        ? i.Imm != 0 ? null : $"{name}{suffix} {R(i.Dst)}, {R(i.Src)}, {Signed(i.Offset)}"
                        : i.Src != 0 ? null : Invariant($"{name}{suffix} {R(i.Dst)}, {i.Imm}, {Signed(i.Offset)}");
                }

            case Ld:
                {
                    var mode = i.Opcode & 0xe0;
                    var size = i.Opcode & 0x18;
                    if ((mode == Abs || mode == Ind) && size != DW && i.Dst == 0 && i.Offset == 0)
                    {
                        return mode == Abs
                            ? i.Src == 0 ? Invariant($"ldabs{BpfDecoder.SizeName(size)} {i.Imm}") : null
                            : Invariant($"ldind{BpfDecoder.SizeName(size)} {R(i.Src)}, {i.Imm}");
                    }

                    return null;
                }

            case Ldx:
                {
                    var mode = i.Opcode & 0xe0;
                    var size = i.Opcode & 0x18;
                    if (i.Imm != 0 || !(mode == Mem || (mode == MemSx && size != DW)))
                    {
                        return null;
                    }

                    return $"ldx{(mode == MemSx ? "s" : string.Empty)}{BpfDecoder.SizeName(size)} {R(i.Dst)}, {Memory(i.Src, i.Offset)}";
                }

            case St:
                {
                    var size = i.Opcode & 0x18;
                    return (i.Opcode & 0xe0) != Mem || i.Src != 0
                        ? null
                        : Invariant($"st{BpfDecoder.SizeName(size)} {Memory(i.Dst, i.Offset)}, {i.Imm}");
                }

            default:
                {
                    var mode = i.Opcode & 0xe0;
                    var size = i.Opcode & 0x18;
                    if (mode == Mem)
                    {
                        return i.Imm != 0 ? null : $"stx{BpfDecoder.SizeName(size)} {Memory(i.Dst, i.Offset)}, {R(i.Src)}";
                    }

                    if (mode != Atomic || (size != W && size != DW))
                    {
                        return null;
                    }

                    var suffix = size == W ? "32" : string.Empty;
                    foreach (var (name, imm) in BpfMnemonics.Atomic)
                    {
                        if (imm == i.Imm)
                        {
                            return $"lock {name}{suffix} {Memory(i.Dst, i.Offset)}, {R(i.Src)}";
                        }

                        if ((imm | AtomicFetch) == i.Imm && (imm & AtomicFetch) == 0)
                        {
                            return $"lock fetch {name}{suffix} {Memory(i.Dst, i.Offset)}, {R(i.Src)}";
                        }
                    }

                    return null;
                }
        }
    }

    private static string R(int reg) => Invariant($"%r{reg}");

    private static string Memory(int reg, short offset) =>
        offset == 0 ? $"[{R(reg)}]" : $"[{R(reg)}{Signed(offset)}]";

    private static string Signed(int value) => value < 0 ? Invariant($"{value}") : Invariant($"+{value}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
