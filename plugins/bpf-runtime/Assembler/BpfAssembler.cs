using System.Globalization;
using Framework.Plugins.BpfRuntime.Isa;
using static Framework.Plugins.BpfRuntime.Isa.BpfOpcode;

namespace Framework.Plugins.BpfRuntime.Assembler;

/// <summary>
/// Assembles the text syntax of the bpf_conformance suite: one instruction per line,
/// <c>mov32 %r0, 0</c>, <c>lddw %r0, 0x1122334455667788</c>, <c>ldxw %r0, [%r1+4]</c>,
/// <c>ja +2</c> or <c>ja label</c>, <c>call 5</c>, <c>call local func</c>, <c>call %r2</c>,
/// <c>lock fetch add32 [%r10-8], %r1</c>, labels as <c>name:</c>, comments after <c>#</c>. The
/// first <c>exit</c> is also the implicit label <c>exit</c>, as in the suite. Extensions for what the
/// suite has no syntax for: <c>lddw %r1, map_fd(3)</c> (also <c>map_value(3+8)</c>, <c>map_idx</c>,
/// <c>map_idx_value</c>, <c>btf_id</c>, <c>func(+2)</c>), legacy <c>ldabsw 12</c> and
/// <c>ldindb %r1, 0</c>, and <c>.raw 0x...</c> for any 64-bit slot (as in the suite's <c>-- raw</c>).
/// The output is not validated (see <see cref="BpfDecoder.Validate"/>), so that negative tests can be
/// written. Thread-safe (stateless).
/// </summary>
public static class BpfAssembler
{
    /// <summary>Assembles a program.</summary>
    /// <exception cref="BpfException">A line does not parse (EINVAL, field "line N").</exception>
    public static BpfInstruction[] Assemble(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var output = new List<BpfInstruction>();
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        var fixups = new List<(int Index, string Label, bool InImm, int Line)>();
        var firstExit = -1;
        var lines = text.Split('\n');
        for (var lineNo = 0; lineNo < lines.Length; lineNo++)
        {
            var line = lines[lineNo];
            var hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0)
            {
                line = line[..hash];
            }

            line = line.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                if (line.EndsWith(':'))
                {
                    var label = line[..^1].Trim();
                    if (!labels.TryAdd(label, output.Count))
                    {
                        throw Error($"duplicate label '{label}'");
                    }

                    continue;
                }

                var tokens = Tokenize(line);
                if (tokens.Count == 0)
                {
                    continue;
                }

                if (tokens[0] == "exit" && firstExit < 0)
                {
                    firstExit = output.Count;
                }

                var line1 = lineNo + 1;
                AssembleLine(tokens, output, (label, inImm) => fixups.Add((output.Count, label, inImm, line1)));
            }
            catch (BpfException e) when (e.Field is null)
            {
                throw new BpfException(BpfErrno.EINVAL, $"{StripErrno(e.Message)} in '{line}'", -1, $"line {lineNo + 1}");
            }
        }

        foreach (var (index, label, inImm, line) in fixups)
        {
            if (!labels.TryGetValue(label, out var target))
            {
                if (label == "exit" && firstExit >= 0)
                {
                    target = firstExit;
                }
                else
                {
                    throw new BpfException(BpfErrno.EINVAL, $"undefined label '{label}'", -1, $"line {line}");
                }
            }

            var relative = target - index - 1;
            var insn = output[index];
            output[index] = inImm ? insn with { Imm = relative } : insn with { Offset = checked((short)relative) };
        }

        return [.. output];
    }

    private static string StripErrno(string message)
    {
        var paren = message.LastIndexOf(" (", StringComparison.Ordinal);
        return paren > 0 ? message[..paren] : message;
    }

    private static List<string> Tokenize(string line)
    {
        // Brackets hold one operand: drop the spaces inside them so that "[%r1 + 4]" is one token.
        var chars = new System.Text.StringBuilder(line.Length);
        var depth = 0;
        foreach (var c in line)
        {
            if (c is '[' or '(')
            {
                depth++;
            }
            else if (c is ']' or ')')
            {
                depth--;
            }

            if (depth > 0 && char.IsWhiteSpace(c))
            {
                continue;
            }

            chars.Append(c == ',' && depth == 0 ? ' ' : c);
        }

        return [.. chars.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)];
    }

    private static void AssembleLine(List<string> t, List<BpfInstruction> output, Action<string, bool> fixup)
    {
        var m = t[0].ToLowerInvariant();
        var ops = t.Skip(1).ToList();

        if (m == ".raw")
        {
            Count(ops, 1, m);
            var raw = (ulong)ParseInteger(ops[0], long.MinValue, ulong.MaxValue);
            Span<byte> bytes = stackalloc byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, raw);
            output.Add(BpfInstruction.Read(bytes));
            return;
        }

        if (m == "exit")
        {
            Count(ops, 0, m);
            output.Add(new BpfInstruction(Jmp | Exit, 0, 0, 0, 0));
            return;
        }

        if (m == "lddw")
        {
            Count(ops, 2, m);
            var dst = Reg(ops[0]);
            var (src, lo, hi) = ParseWideImmediate(ops[1]);
            output.Add(new BpfInstruction(LdDw, dst, src, 0, lo));
            output.Add(new BpfInstruction(0, 0, 0, 0, hi));
            return;
        }

        if (m is "ja" or "ja32")
        {
            Count(ops, 1, m);
            var is32 = m == "ja32";
            var (rel, label) = Target(ops[0], is32 ? int.MinValue : short.MinValue, is32 ? int.MaxValue : short.MaxValue);
            if (label is not null)
            {
                fixup(label, is32);
            }

            output.Add(is32 ? new BpfInstruction(Jmp32 | Ja, 0, 0, 0, rel) : new BpfInstruction(Jmp | Ja, 0, 0, (short)rel, 0));
            return;
        }

        if (m == "call")
        {
            if (ops.Count == 2 && ops[0] is "local" or "helper" or "runtime")
            {
                if (ops[0] == "local")
                {
                    var (rel, label) = Target(ops[1], int.MinValue, int.MaxValue);
                    if (label is not null)
                    {
                        fixup(label, true);
                    }

                    output.Add(new BpfInstruction(Jmp | Call, 0, CallLocal, 0, rel));
                }
                else
                {
                    output.Add(new BpfInstruction(Jmp | Call, 0, ops[0] == "helper" ? CallHelper : CallKfunc, 0, Imm32(ops[1])));
                }

                return;
            }

            Count(ops, 1, m);
            output.Add(ops[0].StartsWith('%')
                ? new BpfInstruction(Jmp | Call | X, Reg(ops[0]), 0, 0, 0)
                : new BpfInstruction(Jmp | Call, 0, CallHelper, 0, Imm32(ops[0])));
            return;
        }

        if (m == "callx")
        {
            Count(ops, 1, m);
            output.Add(new BpfInstruction(Jmp | Call | X, Reg(ops[0]), 0, 0, 0));
            return;
        }

        if (m == "lock")
        {
            AssembleAtomic(ops, output);
            return;
        }

        if (TryEnd(m, ops, output) || TryMemory(m, ops, output) || TryJump(m, ops, output, fixup) || TryAlu(m, ops, output))
        {
            return;
        }

        throw Error($"unknown mnemonic '{t[0]}'");
    }

    private static bool TryEnd(string m, List<string> ops, List<BpfInstruction> output)
    {
        (string Prefix, byte Opcode)[] forms = [("le", Alu | End | ToLe), ("be", Alu | End | ToBe), ("bswap", Alu64 | End), ("swap", Alu64 | End)];
        foreach (var (prefix, opcode) in forms)
        {
            if (m.StartsWith(prefix, StringComparison.Ordinal) && m[prefix.Length..] is "16" or "32" or "64")
            {
                Count(ops, 1, m);
                output.Add(new BpfInstruction(opcode, Reg(ops[0]), 0, 0, int.Parse(m[prefix.Length..], CultureInfo.InvariantCulture)));
                return true;
            }
        }

        return false;
    }

    private static bool TryMemory(string m, List<string> ops, List<BpfInstruction> output)
    {
        foreach (var (name, size) in BpfMnemonics.Sizes)
        {
            if (m == "ldx" + name || m == "ldxs" + name && size != DW)
            {
                Count(ops, 2, m);
                var (src, off) = MemoryOperand(ops[1]);
                var mode = m.StartsWith("ldxs", StringComparison.Ordinal) ? MemSx : Mem;
                output.Add(new BpfInstruction((byte)(Ldx | mode | size), Reg(ops[0]), src, off, 0));
                return true;
            }

            if (m == "st" + name)
            {
                Count(ops, 2, m);
                var (dst, off) = MemoryOperand(ops[0]);
                output.Add(new BpfInstruction((byte)(St | Mem | size), dst, 0, off, Imm32(ops[1])));
                return true;
            }

            if (m == "stx" + name)
            {
                Count(ops, 2, m);
                var (dst, off) = MemoryOperand(ops[0]);
                output.Add(new BpfInstruction((byte)(Stx | Mem | size), dst, Reg(ops[1]), off, 0));
                return true;
            }

            if (size != DW && m == "ldabs" + name)
            {
                Count(ops, 1, m);
                output.Add(new BpfInstruction((byte)(Ld | Abs | size), 0, 0, 0, Imm32(ops[0])));
                return true;
            }

            if (size != DW && m == "ldind" + name)
            {
                Count(ops, 2, m);
                output.Add(new BpfInstruction((byte)(Ld | Ind | size), 0, Reg(ops[0]), 0, Imm32(ops[1])));
                return true;
            }
        }

        return false;
    }

    private static bool TryJump(string m, List<string> ops, List<BpfInstruction> output, Action<string, bool> fixup)
    {
        var is32 = m.EndsWith("32", StringComparison.Ordinal);
        var baseName = is32 ? m[..^2] : m;
        var op = Lookup(BpfMnemonics.Jump, baseName);
        if (op is null)
        {
            return false;
        }

        Count(ops, 3, m);
        var (rel, label) = Target(ops[2], short.MinValue, short.MaxValue);
        if (label is not null)
        {
            fixup(label, false);
        }

        var cls = is32 ? Jmp32 : Jmp;
        output.Add(ops[1].StartsWith('%')
            ? new BpfInstruction((byte)(cls | op.Value | X), Reg(ops[0]), Reg(ops[1]), (short)rel, 0)
            : new BpfInstruction((byte)(cls | op.Value | K), Reg(ops[0]), 0, (short)rel, Imm32(ops[1])));
        return true;
    }

    private static bool TryAlu(string m, List<string> ops, List<BpfInstruction> output)
    {
        // movsx<from><to>: movsx832, movsx1632, movsx864, movsx1664, movsx3264.
        if (m.StartsWith("movsx", StringComparison.Ordinal))
        {
            var spec = m[5..];
            (string Spec, byte Cls, short From)[] forms = [("832", Alu, 8), ("1632", Alu, 16), ("864", Alu64, 8), ("1664", Alu64, 16), ("3264", Alu64, 32)];
            foreach (var (s, cls, from) in forms)
            {
                if (spec == s)
                {
                    Count(ops, 2, m);
                    output.Add(new BpfInstruction((byte)(cls | Mov | X), Reg(ops[0]), Reg(ops[1]), from, 0));
                    return true;
                }
            }

            return false;
        }

        var is32 = m.EndsWith("32", StringComparison.Ordinal);
        var baseName = is32 ? m[..^2] : m;
        short offset = 0;
        if (baseName is "sdiv" or "smod")
        {
            offset = 1;
            baseName = baseName[1..];
        }

        var op = Lookup(BpfMnemonics.Alu, baseName);
        if (op is null)
        {
            return false;
        }

        var cls2 = is32 ? Alu : Alu64;
        if (op == Neg)
        {
            Count(ops, 1, m);
            output.Add(new BpfInstruction((byte)(cls2 | Neg), Reg(ops[0]), 0, 0, 0));
            return true;
        }

        Count(ops, 2, m);
        output.Add(ops[1].StartsWith('%')
            ? new BpfInstruction((byte)(cls2 | op.Value | X), Reg(ops[0]), Reg(ops[1]), offset, 0)
            : new BpfInstruction((byte)(cls2 | op.Value | K), Reg(ops[0]), 0, offset, Imm32(ops[1])));
        return true;
    }

    private static void AssembleAtomic(List<string> ops, List<BpfInstruction> output)
    {
        // lock [fetch] <op>[32] [dst+off], %src
        var fetch = ops.Count > 0 && ops[0] == "fetch";
        if (fetch)
        {
            ops = ops.Skip(1).ToList();
        }

        Count(ops, 3, "lock");
        var name = ops[0];
        var is32 = name.EndsWith("32", StringComparison.Ordinal);
        var baseName = is32 ? name[..^2] : name;
        int? imm = null;
        foreach (var (n, value) in BpfMnemonics.Atomic)
        {
            if (n == baseName)
            {
                imm = value;
            }
        }

        if (imm is null)
        {
            throw Error($"unknown atomic operation '{name}'");
        }

        if (fetch)
        {
            imm |= AtomicFetch;
        }

        var (dst, off) = MemoryOperand(ops[1]);
        output.Add(new BpfInstruction((byte)(Stx | Atomic | (is32 ? W : DW)), dst, Reg(ops[2]), off, imm.Value));
    }

    private static (byte Src, int Lo, int Hi) ParseWideImmediate(string operand)
    {
        foreach (var (name, src) in BpfMnemonics.Pseudo)
        {
            if (operand.StartsWith(name + "(", StringComparison.Ordinal) && operand.EndsWith(')'))
            {
                var inner = operand[(name.Length + 1)..^1];
                if (src is PseudoMapValue or PseudoMapIdxValue)
                {
                    var plus = inner.IndexOf('+', StringComparison.Ordinal);
                    var id = plus < 0 ? inner : inner[..plus];
                    var off = plus < 0 ? "0" : inner[(plus + 1)..];
                    return (src, Imm32(id), Imm32(off));
                }

                return (src, Imm32(inner), 0);
            }
        }

        var value = (ulong)ParseInteger(operand, long.MinValue, ulong.MaxValue);
        return (PseudoImm, (int)(uint)value, (int)(uint)(value >> 32));
    }

    private static (int Relative, string? Label) Target(string operand, long min, long max)
    {
        if (operand.StartsWith('+') || operand.StartsWith('-'))
        {
            return ((int)ParseInteger(operand, min, (ulong)max), null);
        }

        return (0, operand);
    }

    private static (byte Reg, short Offset) MemoryOperand(string operand)
    {
        if (!operand.StartsWith('[') || !operand.EndsWith(']'))
        {
            throw Error($"memory operand '{operand}' is not [%rN+off]");
        }

        var inner = operand[1..^1];
        var sign = inner.IndexOfAny(['+', '-']);
        if (sign < 0)
        {
            return (Reg(inner), 0);
        }

        return (Reg(inner[..sign]), (short)ParseInteger(inner[sign..], short.MinValue, (ulong)short.MaxValue));
    }

    private static byte Reg(string operand)
    {
        if (operand.Length >= 3 && operand.StartsWith("%r", StringComparison.Ordinal)
            && byte.TryParse(operand.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var r) && r <= 15)
        {
            return r;
        }

        throw Error($"invalid register '{operand}'");
    }

    private static int Imm32(string operand) => (int)ParseInteger(operand, int.MinValue, uint.MaxValue);

    /// <summary>Parses decimal or 0x-hex, optionally signed, within [min, max] (max as unsigned).</summary>
    internal static long ParseInteger(string text, long min, ulong max)
    {
        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && (s[0] == '+' || s[0] == '-'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        ulong magnitude;
        bool ok;
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            ok = ulong.TryParse(s[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out magnitude);
        }
        else
        {
            ok = ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out magnitude);
        }

        if (!ok)
        {
            throw Error($"'{text}' is not a number");
        }

        if (negative)
        {
            if (magnitude > (ulong)long.MaxValue + 1 || -(decimal)magnitude < min)
            {
                throw Error($"{text} is out of range");
            }

            return (long)(0 - magnitude);
        }

        if (magnitude > max)
        {
            throw Error($"{text} is out of range");
        }

        return (long)magnitude;
    }

    private static byte? Lookup((string Name, byte Op)[] table, string name)
    {
        foreach (var (n, op) in table)
        {
            if (n == name)
            {
                return op;
            }
        }

        return null;
    }

    private static void Count(List<string> ops, int expected, string mnemonic)
    {
        if (ops.Count != expected)
        {
            throw Error($"{mnemonic} takes {expected} operand(s), got {ops.Count}");
        }
    }

    private static BpfException Error(string message) => new(BpfErrno.EINVAL, message);
}
