using Framework.Plugins.BpfRuntime.Isa;
using static Framework.Plugins.BpfRuntime.Isa.BpfOpcode;

namespace Framework.Plugins.BpfRuntime.Differential;

/// <summary>
/// Generates random XDP programs that the kernel's verifier accepts and whose results do not depend
/// on addresses: ALU and JMP/JMP32 of every operation, width and condition (v4 included: signed
/// division, sign-extending moves and loads, byte swaps, gotol), stack and context and packet memory,
/// atomics, array and hash map lookups (null-checked), updates and deletes, and bounded loops. Every
/// register is initialised before it is read (helper calls are followed by fresh constants in
/// r1-r5), constant shifts stay below the operand width and no division or modulo is by an
/// immediate zero, as the kernel requires. The program ends by storing the full 64-bit r0 in
/// element 0 of map 0 (test runs report only 32 bits) and returning XDP_PASS. Maps (by
/// <c>map_idx</c>): 0 the result (array, 1 x 8 bytes), 1 an array of 4 x 16 bytes, 2 a hash of at
/// most 4 entries of 4-byte keys and 8-byte values.
/// </summary>
public sealed class DifferentialProgramGenerator
{
    /// <summary>The maps every generated program uses, in <c>map_idx</c> order.</summary>
    public static readonly IReadOnlyList<Maps.BpfMapDefinition> MapDefinitions =
    [
        new(Maps.BpfMapType.Array, 4, 8, 1, Name: "result"),
        new(Maps.BpfMapType.Array, 4, 16, 4, Name: "values"),
        new(Maps.BpfMapType.Hash, 4, 8, 4, Name: "table"),
    ];

    private const int KeySlot = -80;
    private const int SavedR0Slot = -72;
    private static readonly byte[] s_scalars = [0, 1, 2, 3, 4, 5, 7, 8, 9];
    private static readonly byte[] s_aluOps = [Add, Sub, Mul, Div, Or, And, Lsh, Rsh, Neg, Mod, Xor, Mov, Arsh, End];
    private static readonly byte[] s_conditions = [Jeq, Jgt, Jge, Jset, Jne, Jsgt, Jsge, Jlt, Jle, Jslt, Jsle];
    private static readonly int[] s_atomicOps = [AtomicAdd, AtomicOr, AtomicAnd, AtomicXor, AtomicAdd | AtomicFetch, AtomicOr | AtomicFetch, AtomicAnd | AtomicFetch, AtomicXor | AtomicFetch, AtomicXchg, AtomicCmpXchg];

    private readonly Random _random;
    private readonly List<BpfInstruction> _code = [];

    private DifferentialProgramGenerator(int seed)
    {
        _random = new Random(seed);
    }

    /// <summary>The program for a seed (the same seed gives the same program).</summary>
    public static BpfInstruction[] Generate(int seed)
    {
        var generator = new DifferentialProgramGenerator(seed);
        generator.Build();
        return [.. generator._code];
    }

    /// <summary>The 64-byte packet the program for a seed runs over.</summary>
    public static byte[] Packet(int seed)
    {
        var packet = new byte[64];
        new Random(~seed).NextBytes(packet);
        return packet;
    }

    private void Build()
    {
        Emit(Alu64 | Mov | X, 6, 1);
        for (var k = 1; k <= 10; k++)
        {
            Emit(St | Mem | DW, 10, 0, (short)(-8 * k), 0);
        }

        foreach (var r in s_scalars)
        {
            Constant(r);
        }

        var items = _random.Next(5, 40);
        for (var i = 0; i < items; i++)
        {
            Item(0, s_scalars, calls: true, loops: true);
        }

        // Epilogue: map0[0] = r0; return XDP_PASS.
        Emit(Stx | Mem | DW, 10, 0, SavedR0Slot);
        Emit(St | Mem | W, 10, 0, KeySlot, 0);
        MapPointer(1, 0);
        Emit(Alu64 | Mov | X, 2, 10);
        Emit(Alu64 | Add | K, 2, 0, 0, KeySlot);
        Emit(Jmp | Call, 0, 0, 0, 1);
        Emit(Jmp | Jeq | K, 0, 0, 2, 0);
        Emit(Ldx | Mem | DW, 1, 10, SavedR0Slot);
        Emit(Stx | Mem | DW, 0, 1, 0);
        Emit(Alu64 | Mov | K, 0, 0, 0, 2);
        Emit(Jmp | Exit, 0, 0);
    }

    private void Item(int depth, byte[] regs, bool calls, bool loops)
    {
        var full = regs.Length == s_scalars.Length;
        switch (_random.Next(100))
        {
            case < 40:
                Arithmetic(regs);
                break;
            case < 48:
                StackStore(regs);
                break;
            case < 55:
                StackLoad(regs);
                break;
            case < 60:
                StackAtomic(regs);
                break;
            case < 68 when depth < 3:
                Conditional(depth, regs, calls);
                break;
            case < 72 when depth < 3:
                IfElse(depth, regs, calls);
                break;
            case < 77 when regs.Contains((byte)2) && regs.Contains((byte)3) && regs.Contains((byte)4):
                PacketAccess(regs);
                break;
            case < 80:
                Emit(Ldx | Mem | W, Pick(regs), 6, _random.Next(2) == 0 ? (short)12 : (short)16);
                break;
            case < 88 when calls && full:
                MapLookup(depth);
                break;
            case < 95 when calls && full:
                MapUpdateOrDelete();
                break;
            case < 100 when loops && depth == 0:
                Loop(regs);
                break;
            default:
                Arithmetic(regs);
                break;
        }
    }

    private void Arithmetic(byte[] regs)
    {
        var is64 = _random.Next(2) == 0;
        var cls = is64 ? Alu64 : Alu;
        var width = is64 ? 64 : 32;
        var op = s_aluOps[_random.Next(s_aluOps.Length)];
        var dst = Pick(regs);
        var src = Pick(regs);
        var useReg = _random.Next(2) == 0;
        switch (op)
        {
            case Neg:
                Emit((byte)(cls | Neg | K), dst, 0);
                return;
            case End:
                {
                    var size = new[] { 16, 32, 64 }[_random.Next(3)];
                    if (is64)
                    {
                        Emit(Alu64 | End | K, dst, 0, 0, size); // bswap (v4)
                    }
                    else
                    {
                        Emit((byte)(Alu | End | (useReg ? ToBe : ToLe)), dst, 0, 0, size);
                    }

                    return;
                }

            case Mov when useReg && _random.Next(3) == 0:
                {
                    // movsx (v4): 8 or 16 bits into 32 or 64, 32 bits into 64.
                    var from = is64 ? new short[] { 8, 16, 32 }[_random.Next(3)] : new short[] { 8, 16 }[_random.Next(2)];
                    Emit((byte)(cls | Mov | X), dst, src, from);
                    return;
                }

            case Lsh or Rsh or Arsh when !useReg:
                Emit((byte)(cls | op | K), dst, 0, 0, _random.Next(width));
                return;
            case Div or Mod:
                {
                    var signed = (short)(_random.Next(3) == 0 ? 1 : 0);
                    if (useReg)
                    {
                        Emit((byte)(cls | op | X), dst, src, signed);
                    }
                    else
                    {
                        var imm = Immediate();
                        Emit((byte)(cls | op | K), dst, 0, signed, imm == 0 ? 7 : imm);
                    }

                    return;
                }
        }

        if (useReg)
        {
            Emit((byte)(cls | op | X), dst, src);
        }
        else
        {
            Emit((byte)(cls | op | K), dst, 0, 0, Immediate());
        }
    }

    private (short Offset, byte Size, int Bytes) StackSlot(bool atomic = false)
    {
        var (size, bytes) = atomic
            ? (_random.Next(2) == 0 ? (W, 4) : (DW, 8))
            : new[] { (B, 1), (H, 2), (W, 4), (DW, 8) }[_random.Next(4)];
        var slot = -8 * _random.Next(1, 9);
        return ((short)(slot + (bytes * _random.Next(8 / bytes))), size, bytes);
    }

    private void StackStore(byte[] regs)
    {
        var (offset, size, _) = StackSlot();
        if (_random.Next(2) == 0)
        {
            Emit((byte)(St | Mem | size), 10, 0, offset, Immediate());
        }
        else
        {
            Emit((byte)(Stx | Mem | size), 10, Pick(regs), offset);
        }
    }

    private void StackLoad(byte[] regs)
    {
        var (offset, size, bytes) = StackSlot();
        var signExtend = bytes < 8 && _random.Next(3) == 0;
        Emit((byte)(Ldx | (signExtend ? MemSx : Mem) | size), Pick(regs), 10, offset);
    }

    private void StackAtomic(byte[] regs) => AtomicOn(10, StackSlot(atomic: true), regs);

    private void AtomicOn(byte baseRegister, (short Offset, byte Size, int Bytes) slot, byte[] regs)
    {
        var op = s_atomicOps[_random.Next(s_atomicOps.Length)];
        var sources = regs.Where(r => r != 0).ToArray();
        if (sources.Length == 0 || (op == AtomicCmpXchg && !regs.Contains((byte)0)))
        {
            return;
        }

        Emit((byte)(Stx | Atomic | slot.Size), baseRegister, Pick(sources), slot.Offset, op);
    }

    private void Conditional(int depth, byte[] regs, bool calls)
    {
        var at = Jump(regs);
        Block(depth, regs, calls);
        Patch(at);
    }

    private void IfElse(int depth, byte[] regs, bool calls)
    {
        var condition = Jump(regs);
        Block(depth, regs, calls);
        var skip = _code.Count;
        var gotol = _random.Next(2) == 0;
        Emit(gotol ? (byte)(Jmp32 | Ja) : (byte)(Jmp | Ja), 0, 0);
        Patch(condition);
        Block(depth, regs, calls);
        var distance = _code.Count - skip - 1;
        _code[skip] = gotol ? _code[skip] with { Imm = distance } : _code[skip] with { Offset = (short)distance };
    }

    private void Block(int depth, byte[] regs, bool calls)
    {
        var count = _random.Next(1, 4);
        for (var i = 0; i < count; i++)
        {
            Item(depth + 1, regs, calls, loops: false);
        }
    }

    private int Jump(byte[] regs)
    {
        var cls = _random.Next(2) == 0 ? Jmp : Jmp32;
        var condition = s_conditions[_random.Next(s_conditions.Length)];
        var at = _code.Count;
        if (_random.Next(2) == 0)
        {
            Emit((byte)(cls | condition | X), Pick(regs), Pick(regs));
        }
        else
        {
            Emit((byte)(cls | condition | K), Pick(regs), 0, 0, Immediate());
        }

        return at;
    }

    private void Patch(int at) => _code[at] = _code[at] with { Offset = (short)(_code.Count - at - 1) };

    private void PacketAccess(byte[] regs)
    {
        // r2 = data, r3 = data_end, r4 = data + n; if r4 > r3 skip; accesses below n.
        var n = _random.Next(1, 73);
        Emit(Ldx | Mem | W, 2, 6, 0);
        Emit(Ldx | Mem | W, 3, 6, 4);
        Emit(Alu64 | Mov | X, 4, 2);
        Emit(Alu64 | Add | K, 4, 0, 0, n);
        var check = _code.Count;
        Emit(Jmp | Jgt | X, 4, 3);
        var others = regs.Where(r => r is not (2 or 3 or 4)).ToArray();
        for (var i = _random.Next(1, 3); i > 0 && others.Length > 0; i--)
        {
            var (size, bytes) = new[] { (B, 1), (H, 2), (W, 4), (DW, 8) }[_random.Next(4)];
            if (bytes > n)
            {
                continue;
            }

            var offset = (short)_random.Next(n - bytes + 1);
            switch (_random.Next(3))
            {
                case 0:
                    Emit((byte)(Stx | Mem | size), 2, Pick(others), offset);
                    break;
                case 1:
                    Emit((byte)(St | Mem | size), 2, 0, offset, Immediate());
                    break;
                default:
                    Emit((byte)(Ldx | Mem | size), Pick(others), 2, offset);
                    break;
            }
        }

        Patch(check);
        Constant(2);
        Constant(3);
        Constant(4);
    }

    private void MapLookup(int depth)
    {
        var map = _random.Next(1, 3);
        Emit(St | Mem | W, 10, 0, KeySlot, _random.Next(map == 1 ? 5 : 8));
        MapPointer(1, map);
        Emit(Alu64 | Mov | X, 2, 10);
        Emit(Alu64 | Add | K, 2, 0, 0, KeySlot);
        Emit(Jmp | Call, 0, 0, 0, 1);
        ClobberArguments();
        var check = _code.Count;
        Emit(Jmp | Jeq | K, 0, 0, 0, 0);
        var valueSize = map == 1 ? 16 : 8;
        byte[] regs = [1, 2, 3, 4, 5, 7, 8, 9];
        for (var i = _random.Next(1, 4); i > 0; i--)
        {
            switch (_random.Next(4))
            {
                case 0:
                    {
                        var (size, bytes) = new[] { (B, 1), (H, 2), (W, 4), (DW, 8) }[_random.Next(4)];
                        Emit((byte)(Ldx | Mem | size), Pick(regs), 0, (short)(bytes * _random.Next(valueSize / bytes)));
                        break;
                    }

                case 1:
                    {
                        var (size, bytes) = new[] { (B, 1), (H, 2), (W, 4), (DW, 8) }[_random.Next(4)];
                        Emit((byte)(Stx | Mem | size), 0, Pick(regs), (short)(bytes * _random.Next(valueSize / bytes)));
                        break;
                    }

                case 2:
                    {
                        var (size, bytes) = _random.Next(2) == 0 ? (W, 4) : (DW, 8);
                        AtomicOn(0, ((short)(bytes * _random.Next(valueSize / bytes)), size, bytes), regs);
                        break;
                    }

                default:
                    Item(depth + 1, regs, calls: false, loops: false);
                    break;
            }
        }

        Patch(check);
        Constant(0);
    }

    private void MapUpdateOrDelete()
    {
        var map = _random.Next(1, 3);
        Emit(St | Mem | W, 10, 0, KeySlot, _random.Next(map == 1 ? 5 : 8));
        MapPointer(1, map);
        Emit(Alu64 | Mov | X, 2, 10);
        Emit(Alu64 | Add | K, 2, 0, 0, KeySlot);
        if (_random.Next(3) == 0)
        {
            Emit(Jmp | Call, 0, 0, 0, 3); // map_delete_elem
        }
        else
        {
            Emit(Alu64 | Mov | X, 3, 10);
            Emit(Alu64 | Add | K, 3, 0, 0, -64);
            Emit(Alu64 | Mov | K, 4, 0, 0, _random.Next(3)); // BPF_ANY, BPF_NOEXIST, BPF_EXIST
            Emit(Jmp | Call, 0, 0, 0, 2); // map_update_elem
        }

        ClobberArguments();
    }

    private void Loop(byte[] regs)
    {
        var counters = regs.Where(r => r is 7 or 8 or 9).ToArray();
        if (counters.Length == 0)
        {
            return;
        }

        var counter = Pick(counters);
        Emit(Alu64 | Mov | K, counter, 0, 0, _random.Next(1, 7));
        var start = _code.Count;
        var body = regs.Where(r => r != counter).ToArray();
        for (var i = _random.Next(1, 5); i > 0; i--)
        {
            Item(1, body, calls: false, loops: false);
        }

        Emit(Alu64 | Sub | K, counter, 0, 0, 1);
        Emit(Jmp | Jne | K, counter, 0, (short)(start - _code.Count - 1), 0);
    }

    private void ClobberArguments()
    {
        for (byte r = 1; r <= 5; r++)
        {
            Constant(r);
        }
    }

    private void MapPointer(byte dst, int index)
    {
        Emit(LdDw, dst, PseudoMapIdx, 0, index);
        Emit(0, 0, 0, 0, 0);
    }

    private void Constant(byte r)
    {
        switch (_random.Next(3))
        {
            case 0:
                {
                    var wide = (ulong)_random.NextInt64() ^ ((ulong)_random.Next(2) << 63);
                    Emit(LdDw, r, 0, 0, (int)(uint)wide);
                    Emit(0, 0, 0, 0, (int)(uint)(wide >> 32));
                    break;
                }

            case 1:
                Emit(Alu | Mov | K, r, 0, 0, Immediate());
                break;
            default:
                Emit(Alu64 | Mov | K, r, 0, 0, Immediate());
                break;
        }
    }

    private int Immediate() => _random.Next(6) switch
    {
        0 => 0,
        1 => _random.Next(-2, 3),
        2 => _random.Next(2) == 0 ? int.MinValue : int.MaxValue,
        3 => _random.Next(-300, 300),
        _ => _random.Next(int.MinValue, int.MaxValue),
    };

    private byte Pick(byte[] regs) => regs[_random.Next(regs.Length)];

    private void Emit(int opcode, byte dst, byte src, short offset = 0, int imm = 0) =>
        _code.Add(new BpfInstruction((byte)opcode, dst, src, offset, imm));
}
