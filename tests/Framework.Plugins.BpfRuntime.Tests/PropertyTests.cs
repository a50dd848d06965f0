using FsCheck;
using FsCheck.Fluent;
using Framework.Plugins.BpfRuntime.Assembler;
using Framework.Plugins.BpfRuntime.Isa;
using Framework.Plugins.BpfRuntime.Maps;
using Framework.Plugins.BpfRuntime.Programs;
using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Plugins.BpfRuntime.Tests;

/// <summary>Random instruction streams: only <see cref="BpfException"/> may escape, and every run ends.</summary>
public sealed class PropertyTests
{
    // Every opcode the RFC defines, so that most random programs get past the decoder.
    private static readonly byte[] s_opcodes = Enumerable.Range(0, 256).Where(IsKnownOpcode).Select(i => (byte)i).ToArray();

    private static readonly int[] s_immediates = [0, 1, -1, 2, 4, 8, 16, 32, 64, 0x7fffffff, int.MinValue, 1, 5, 6, 7, 12, 130, 131, 132, 133];

    private static bool IsKnownOpcode(int op)
    {
        try
        {
            BpfDecoder.Validate([new BpfInstruction((byte)op, 0, 0, 0, op is 0xd4 or 0xdc or 0xd7 ? 16 : 0), new BpfInstruction(0x95, 0, 0, 0, 0)]);
            return true;
        }
        catch (BpfException)
        {
            return op == BpfOpcode.LdDw;
        }
    }

    private static Gen<BpfInstruction[]> Unit() =>
        from kind in Gen.Choose(0, 19)
        from opcode in kind < 19 ? Gen.Elements(s_opcodes) : Gen.Choose(0, 255).Select(i => (byte)i)
        from dst in Gen.Frequency((20, Gen.Choose(0, 9)), (1, Gen.Choose(0, 15)))
        from src in Gen.Frequency((20, Gen.Choose(0, 10)), (1, Gen.Choose(0, 15)))
        from offset in Gen.Frequency((6, Gen.Choose(-4, 4)), (2, Gen.Choose(-520, 520)), (1, Gen.Choose(short.MinValue, short.MaxValue)))
        from imm in Gen.Frequency((5, Gen.Elements(s_immediates)), (1, Gen.Choose(int.MinValue, int.MaxValue)))
        from pseudo in Gen.Choose(0, 6)
        select opcode == BpfOpcode.LdDw
            ? new[] { new BpfInstruction(opcode, (byte)dst, (byte)(pseudo is 1 or 2 ? pseudo : 0), 0, pseudo is 1 or 2 ? 3 + (imm & 1) : imm), new BpfInstruction(0, 0, 0, 0, imm) }
            : [new BpfInstruction(opcode, (byte)dst, (byte)src, (short)offset, imm)];

    private static Gen<BpfInstruction[]> Program() =>
        from n in Gen.Choose(1, 24)
        from units in Gen.ArrayOf(Unit(), n)
        from repair in Gen.Frequency((9, Gen.Constant(true)), (1, Gen.Constant(false)))
        select Assemble(units, repair);

    /// <summary>Joins the units and, for most programs, bends jump targets and ALU offsets into
    /// range so that the stream gets past the decoder and exercises the interpreter.</summary>
    private static BpfInstruction[] Assemble(BpfInstruction[][] units, bool repair)
    {
        var code = units.SelectMany(u => u).Append(new BpfInstruction(0x95, 0, 0, 0, 0)).ToArray();
        if (!repair)
        {
            return code;
        }

        var second = new bool[code.Length];
        for (var i = 0; i < code.Length - 1; i++)
        {
            if (code[i].Opcode == BpfOpcode.LdDw)
            {
                second[++i] = true;
            }
        }

        for (var i = 0; i < code.Length; i++)
        {
            if (second[i])
            {
                continue;
            }

            var insn = code[i];
            var cls = insn.Opcode & 7;
            if (cls is BpfOpcode.Alu or BpfOpcode.Alu64 && (insn.Opcode & 0xf0) is not (BpfOpcode.Mov or BpfOpcode.Div or BpfOpcode.Mod))
            {
                code[i] = insn with { Offset = 0 };
            }

            if (BpfDecoder.JumpTarget(insn, i) is { } target && (target < 0 || target >= code.Length || second[target]))
            {
                var wanted = (int)((uint)(target + code.Length) % (uint)code.Length);
                if (second[wanted])
                {
                    wanted--;
                }

                var relative = wanted - i - 1;
                code[i] = (insn.Opcode & 0xf0) == BpfOpcode.Call || (cls == BpfOpcode.Jmp32 && (insn.Opcode & 0xf0) == BpfOpcode.Ja)
                    ? insn with { Imm = relative }
                    : insn with { Offset = (short)relative };
            }
        }

        return code;
    }

    [Fact]
    public void Random_bytes_only_ever_fail_with_BpfException()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            try
            {
                var code = BpfDecoder.Decode(bytes);
                _ = BpfDisassembler.Disassemble(code);
            }
            catch (BpfException)
            {
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
    }

    [Fact]
    public void Random_programs_decode_load_and_run_with_nothing_but_BpfException()
    {
        using var system = new BpfSystem(new BpfSystemOptions { InstructionBudget = 20_000 });
        using var hash = system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 16));
        using var ring = system.CreateMap(new BpfMapDefinition(BpfMapType.RingBuffer, 0, 0, 4096));
        Assert.Equal((3, 4), (hash.Fd, ring.Fd));
        var types = new[] { BpfProgramType.Test, BpfProgramType.Xdp, BpfProgramType.SocketFilter };
        int decodedCount = 0, loadedCount = 0, faultedCount = 0;
        Prop.ForAll(Program().ToArbitrary(), code =>
        {
            // Mutate a copy through bytes too, so the decoder sees the same streams.
            var bytes = BpfInstruction.Encode(code);
            BpfInstruction[] decoded;
            try
            {
                decoded = BpfDecoder.Decode(bytes);
            }
            catch (BpfException)
            {
                return;
            }

            decodedCount++;
            Assert.Equal(bytes, BpfInstruction.Encode(BpfAssembler.Assemble(BpfDisassembler.Disassemble(decoded))));
            foreach (var type in types)
            {
                BpfProgramHandle program;
                try
                {
                    program = system.LoadProgram(new BpfProgramLoadAttributes { Type = type, Instructions = decoded, License = "GPL", Verify = false });
                }
                catch (BpfException)
                {
                    continue;
                }

                loadedCount++;
                using (program)
                {
                    try
                    {
                        program.Program.Run(new byte[64]);
                    }
                    catch (BpfException)
                    {
                        faultedCount++;
                    }
                }
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1500));

        // The generator must reach the interpreter often enough for the property to mean something.
        Assert.True(decodedCount > 150 && loadedCount > 300, $"decoded {decodedCount}, loaded {loadedCount}, faulted {faultedCount}");
        Assert.Equal(system.MemlockUsed, hash.Map.MemlockCharge + ring.Map.MemlockCharge);
    }

    [Fact]
    public void Random_programs_give_the_same_value_or_fault_under_the_jit_and_the_interpreter()
    {
        using var system = new BpfSystem(new BpfSystemOptions { InstructionBudget = 20_000 });
        using var hash = system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 16));
        using var ring = system.CreateMap(new BpfMapDefinition(BpfMapType.RingBuffer, 0, 0, 4096));
        var compared = 0;
        Prop.ForAll(Program().ToArbitrary(), code =>
        {
            foreach (var type in new[] { BpfProgramType.Test, BpfProgramType.Xdp, BpfProgramType.SocketFilter })
            {
                BpfProgramHandle program;
                try
                {
                    program = system.LoadProgram(new BpfProgramLoadAttributes { Type = type, Instructions = code, License = "GPL", Verify = false });
                }
                catch (BpfException)
                {
                    continue;
                }

                using (program)
                {
                    compared++;
                    var interpreted = Outcome(program.Program, BpfEngine.Interpreter);
                    var jit = Outcome(program.Program, BpfEngine.Jit);
                    Assert.True(interpreted == jit, $"interpreter: {interpreted}\njit: {jit}\n{BpfDisassembler.Disassemble(code)}");
                }
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1500));
        Assert.True(compared > 300, $"only {compared} programs loaded");

        static string Outcome(BpfProgram program, BpfEngine engine)
        {
            var data = new byte[64];
            try
            {
                return $"r0 0x{program.Run(data, engine):x} data {Convert.ToHexString(data)}";
            }
            catch (BpfException e)
            {
                // The JIT charges the budget per basic block, so it names the block of an exhausted budget.
                return e.Errno == BpfErrno.ELOOP ? "ELOOP" : e.Message;
            }
        }
    }

    [Fact]
    public void Random_assembler_text_only_ever_fails_with_BpfException()
    {
        var words = new[] { "mov", "add32", "lddw", "ja", "jeq", "call", "lock", "fetch", "exit", "%r1", "%r10", "[%r1+4]", "[%r10-", "0x", "-1", "99999999999", ",", "label:", "label", "map_fd(", ")", "+", ".raw", "\n", "#" };
        var gen = Gen.ArrayOf(Gen.Elements(words)).Select(w => string.Join(' ', w));
        Prop.ForAll(gen.ToArbitrary(), text =>
        {
            try
            {
                BpfAssembler.Assemble(text);
            }
            catch (BpfException)
            {
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
    }
}
