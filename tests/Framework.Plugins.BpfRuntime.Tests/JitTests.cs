using Framework.Plugins.BpfRuntime.Assembler;
using Framework.Plugins.BpfRuntime.Conformance;
using Framework.Plugins.BpfRuntime.Jit;
using Framework.Plugins.BpfRuntime.Programs;
using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Plugins.BpfRuntime.Tests;

public sealed class JitTests
{
    public static TheoryData<string, BpfProgramType, int> Programs => new()
    {
        { "ldxh %r0, [%r1]\nexit", BpfProgramType.Test, 3 },
        { "mov %r0, %r2\nexit", BpfProgramType.Test, 3 },
        { "mov %r0, 0\nldxw %r0, [%r1+2]\nexit", BpfProgramType.Test, 4 },
        { "mov %r1, 0\nldxb %r0, [%r1]\nexit", BpfProgramType.Test, 0 },
        { "lddw %r1, 0xffffffffffffffff\nstxb [%r1], %r1\nexit", BpfProgramType.Test, 0 },
        { "stdw [%r10-520], 1\nexit", BpfProgramType.Test, 0 },
        { "stdw [%r10], 1\nexit", BpfProgramType.Test, 0 },
        { "mov %r1, %r10\nadd %r1, 4096\nldxb %r0, [%r1]\nexit", BpfProgramType.Test, 0 },
        { "stdw [%r10-8], 11\nmov %r6, 5\ncall local f\nldxdw %r0, [%r10-8]\nadd %r0, %r6\nexit\nf:\nstdw [%r10-8], 99\nmov %r6, 1000\nexit", BpfProgramType.Test, 0 },
        { "mov %r0, 7\nmov %r1, 0\ndiv %r0, %r1\nexit", BpfProgramType.Test, 0 },
        { "mov %r0, 7\nmov %r1, 0\nmod %r0, %r1\nexit", BpfProgramType.Test, 0 },
        { "lddw %r0, 0xffffffffffffffff\nmov %r1, 0\nmod32 %r0, %r1\nexit", BpfProgramType.Test, 0 },
        { "lddw %r0, 0x8000000000000000\nsdiv %r0, -1\nexit", BpfProgramType.Test, 0 },
        { "lddw %r0, 0x80000000\nsdiv32 %r0, -1\nexit", BpfProgramType.Test, 0 },
        { "mov %r0, -7\nsmod32 %r0, 3\nexit", BpfProgramType.Test, 0 },
        { "mov %r0, 1", BpfProgramType.Test, 0 },
        { "mov %r2, 999\ncall %r2\nexit", BpfProgramType.Test, 0 },
        { "ldxw %r2, [%r1]\nldxw %r3, [%r1+4]\nmov %r0, %r3\nsub %r0, %r2\nstb [%r2], 0xaa\nexit", BpfProgramType.Xdp, 60 },
        { "stw [%r1], 0\nexit", BpfProgramType.Xdp, 20 },
        { "ldabsh 12\njne %r0, 0x0800, drop\nldxw %r0, [%r1]\nexit\ndrop:\nmov %r0, 0\nexit", BpfProgramType.SocketFilter, 42 },
        { "ldabsw 40\nexit", BpfProgramType.SocketFilter, 42 },
        { "mov %r0, -1\nlsh32 %r0, 35\narsh %r0, 1\nexit", BpfProgramType.Test, 0 },
        { "lddw %r0, 0x8000000000000001\nmov %r1, 65\narsh %r0, %r1\nexit", BpfProgramType.Test, 0 },
        { "mov %r0, 0xff\nmovsx864 %r0, %r0\nexit", BpfProgramType.Test, 0 },
        { "stdw [%r10-8], -1\nldxsb %r0, [%r10-8]\nexit", BpfProgramType.Test, 0 },
        { "stdw [%r10-8], 5\nmov %r1, 3\nlock fetch add [%r10-8], %r1\nldxdw %r0, [%r10-8]\nadd %r0, %r1\nexit", BpfProgramType.Test, 0 },
        { "stw [%r10-4], 5\nmov %r0, 5\nmov %r1, 9\nlock cmpxchg32 [%r10-4], %r1\nldxw %r1, [%r10-4]\nadd %r0, %r1\nexit", BpfProgramType.Test, 0 },
        { "stw [%r10-6], 5\nmov %r1, 1\nlock add32 [%r10-6], %r1\nexit", BpfProgramType.Test, 0 },
        { "stdw [%r10-8], -2\nmov %r0, -2\nmov %r1, 7\nlock cmpxchg32 [%r10-8], %r1\nexit", BpfProgramType.Test, 0 },
        { "mov %r0, 0\nmov %r1, 1000\nloop:\nadd %r0, %r1\nsub %r1, 1\njne %r1, 0, loop\nexit", BpfProgramType.Test, 0 },
        { "mov32 %r0, -1\njslt32 %r0, 0, yes\nexit\nyes:\nmov %r0, 2\nexit", BpfProgramType.Test, 0 },
        { "lddw %r0, 0x1122334455667788\nbe16 %r0\nexit", BpfProgramType.Test, 0 },
        { "lddw %r0, 0x1122334455667788\nbswap32 %r0\nexit", BpfProgramType.Test, 0 },

        // Results passed to the next instruction on the IL stack: a source that is the destination
        // itself, 32-bit operations, unary ones, a jump and a division after the chain.
        { "lddw %r0, 0x123456789\nmul %r0, 7\nadd %r0, %r0\nxor32 %r0, 0x55\nneg %r0\nrsh32 %r0, 3\nbe32 %r0\narsh %r0, 2\nexit", BpfProgramType.Test, 0 },
        { "mov %r0, 5\nadd %r0, 1\njeq %r0, 6, yes\nmov %r0, 0\nexit\nyes:\nadd %r0, 100\nexit", BpfProgramType.Test, 0 },
        { "lddw %r0, 0xffffffff00000064\nadd %r0, 3\ndiv32 %r0, 7\nmod %r0, 5\nsdiv %r0, -1\nexit", BpfProgramType.Test, 0 },
        { "mov %r1, 3\nmov %r0, 10\nlsh %r0, %r1\nsub %r0, %r1\nmul32 %r0, %r1\nmov %r1, %r0\nadd %r1, 1\nexit", BpfProgramType.Test, 0 },
        { "mov %r0, 0x1ff\nadd %r0, 1\nmovsx1664 %r0, %r0\nadd %r0, 1\nexit", BpfProgramType.Test, 0 },
        { "lddw %r0, 0x8877665544332211\nneg32 %r0\nle16 %r0\nbswap64 %r0\nadd %r0, 1\nexit", BpfProgramType.Test, 0 },
        { "ldxdw %r0, [%r1]\nadd %r0, 1\nstxdw [%r1], %r0\nmul %r0, 3\nldxdw %r2, [%r1]\nadd %r0, %r2\nexit", BpfProgramType.Test, 8 },
    };

    [Theory]
    [MemberData(nameof(Programs))]
    public void The_jit_and_the_interpreter_give_the_same_value_or_the_same_fault(string asm, BpfProgramType type, int length)
    {
        Assert.Equal(Outcome(asm, type, length, BpfEngine.Interpreter), Outcome(asm, type, length, BpfEngine.Jit));
    }

    [ConformanceFact]
    public void Every_conformance_file_passes_under_each_engine_with_the_same_results()
    {
        using var system = new BpfSystem();
        var jit = new ConformanceRunner(system, BpfEngine.Jit).RunDirectory(ConformanceSuite.Directory!);
        var interpreted = new ConformanceRunner(system, BpfEngine.Interpreter).RunDirectory(ConformanceSuite.Directory!);
        Assert.True(jit.Count >= 300, $"only {jit.Count} files found");
        Assert.Empty(jit.Where(o => !o.Passed).Select(o => $"{o.Name}: {o.Detail}"));
        Assert.Equal(interpreted.Select(o => (o.Name, o.Passed, o.Passed ? o.Detail : null)), jit.Select(o => (o.Name, o.Passed, o.Passed ? o.Detail : null)));
    }

    [Fact]
    public void The_jit_is_the_default_and_compiles_the_program()
    {
        using var system = new BpfSystem();
        using var program = TestSupport.Load(system, "mov %r0, 3\nexit");
        Assert.Equal(BpfEngine.Jit, program.Program.Engine);
        Assert.NotNull(program.Program.Compiled);
        Assert.Equal(BpfEngine.Interpreter, new BpfSystem(new BpfSystemOptions { Engine = BpfEngine.Interpreter }).Options.Engine);
    }

    [Fact]
    public void The_jit_counts_executed_instructions_like_the_interpreter()
    {
        using var system = new BpfSystem();
        using var program = TestSupport.Load(system, "mov %r0, 0\nmov %r1, 10\nloop:\nadd %r0, %r1\nsub %r1, 1\njne %r1, 0, loop\nlddw %r2, 5\nexit");
        var jit = program.Program.TestRun([], 1, BpfEngine.Jit);
        var interpreted = program.Program.TestRun([], 1, BpfEngine.Interpreter);
        Assert.Equal(interpreted.InstructionsExecuted, jit.InstructionsExecuted);
        Assert.Equal(34, jit.InstructionsExecuted);
    }

    [Fact]
    public void An_endless_loop_exhausts_the_budget_under_the_jit()
    {
        using var system = new BpfSystem(new BpfSystemOptions { InstructionBudget = 1000 });
        using var program = TestSupport.Load(system, "loop:\nadd %r0, 1\nja loop");
        var e = Assert.Throws<BpfException>(() => program.Program.Run([], BpfEngine.Jit));
        Assert.Equal(BpfErrno.ELOOP, e.Errno);
        Assert.Equal(0, e.InstructionIndex);
    }

    [Fact]
    public void Nine_frames_of_local_calls_are_refused_under_the_jit()
    {
        static string Chain(int calls) =>
            string.Concat(Enumerable.Range(0, calls).Select(i => $"call local f{i}\nexit\nf{i}:\n")) + "mov %r0, 7\nexit";
        using var system = new BpfSystem();
        using var ok = TestSupport.Load(system, Chain(7));
        Assert.Equal(7UL, ok.Program.Run([], BpfEngine.Jit));
        using var deep = TestSupport.Load(system, Chain(8));
        Assert.Equal(BpfErrno.E2BIG, Assert.Throws<BpfException>(() => deep.Program.Run([], BpfEngine.Jit)).Errno);
    }

    [Fact]
    public void A_proof_lets_the_jit_drop_bounds_checks_and_the_result_is_unchanged()
    {
        using var system = new BpfSystem();
        using var program = TestSupport.Load(system, "stdw [%r10-8], 41\nldxdw %r0, [%r10-8]\nadd %r0, 1\nexit");
        var compiled = BpfJitCompiler.Compile(program.Program, new AllInBounds());
        Assert.NotNull(compiled);
        var vm = Interpreter.BpfInterpreter.Rent();
        try
        {
            long remaining = 100;
            Assert.Equal(42UL, compiled(vm, 0, 0, 0, ref remaining));
            Assert.Equal(96, remaining);
        }
        finally
        {
            vm.Return();
        }
    }

    [Theory]
    [InlineData(10)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(4000)]
    public void A_long_chain_of_dependent_alu_instructions_gives_the_interpreters_value(int length)
    {
        // One register through thousands of operations: the JIT hands each result to the next on
        // the IL stack (a store every 64), which must not change a bit of the result.
        var text = new System.Text.StringBuilder("ldxdw %r0, [%r1]\n");
        string[] operations = ["mul %r0, 0x9e37", "add %r0, {0}", "xor32 %r0, 0x5bd1", "rsh %r0, 1", "sub %r0, %r0", "neg %r0", "or %r0, {0}", "lsh32 %r0, 3"];
        for (var i = 0; i < length; i++)
        {
            text.AppendLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, operations[i % 7 == 4 && i % 3 != 0 ? 3 : i % operations.Length], i));
        }

        text.Append("exit");
        using var system = new BpfSystem();
        using var program = TestSupport.Load(system, text.ToString());
        var data = BitConverter.GetBytes(0x0123456789abcdefUL);
        var jit = program.Program.TestRun(data, 2, BpfEngine.Jit);
        var interpreted = program.Program.TestRun(data, 2, BpfEngine.Interpreter);
        Assert.Equal(interpreted.ReturnValue, jit.ReturnValue);
        Assert.Equal(interpreted.InstructionsExecuted, jit.InstructionsExecuted);
    }

    [Theory]
    [InlineData(nameof(JitOps.Div32))]
    [InlineData(nameof(JitOps.Mod32))]
    [InlineData(nameof(JitOps.SDiv32))]
    [InlineData(nameof(JitOps.SMod32))]
    public void The_32_bit_divisions_stay_out_of_line_where_the_dotnet_jit_would_lose_the_divisors_upper_half(string name)
    {
        // Inlined, the .NET JIT saved a divisor held in EDX with a 32-bit move and restored the whole
        // 64-bit register from it (differential seed 57486, see JitOps). The seed itself agrees either
        // way in today's code layout, so this guards the workaround directly.
        var method = typeof(JitOps).GetMethod(name)!;
        Assert.True((method.MethodImplementationFlags & System.Reflection.MethodImplAttributes.NoInlining) != 0);
    }

    [Fact]
    public void Proven_accesses_reached_through_region_bases_read_the_packet_or_the_stack_as_the_path_decides()
    {
        using var system = new BpfSystem();
        using var program = system.LoadProgram(new BpfProgramLoadAttributes
        {
            Type = BpfProgramType.Xdp,
            Instructions = BpfAssembler.Assemble(Tests.Verifier.VerifierRuleTests.MixedRegionLoad),
            License = "GPL",
        });
        var packet = Enumerable.Range(1, 64).Select(i => (byte)i).ToArray();
        foreach (var engine in new[] { BpfEngine.Jit, BpfEngine.Interpreter })
        {
            Assert.Equal(0x0807060504030201UL, program.Program.TestRun(packet, 3, engine).ReturnValue);
            Assert.Equal(0UL, program.Program.TestRun(packet.AsSpan(0, 7), 3, engine).ReturnValue);
        }
    }

    [Fact]
    public void The_audit_mode_catches_a_proof_that_lets_compiled_code_leave_its_regions()
    {
        // A wrong proof (everything in bounds) for a read just past a 16-byte context.
        using var system = new BpfSystem();
        using var program = TestSupport.Load(system, "ldxdw %r0, [%r1+16]\nexit");
        var audited = BpfJitCompiler.Compile(program.Program, new AllInBounds(), auditProofs: true)!;
        var vm = Interpreter.BpfInterpreter.Rent();
        try
        {
            vm.SetRegion(Interpreter.BpfInterpreter.ContextRegion, new byte[16], 0, 16, false, Interpreter.MemoryRegionKind.Context);
            long remaining = 100;
            var e = Assert.Throws<InvalidOperationException>(() => audited(vm, Interpreter.BpfInterpreter.ContextAddress, 16, 0, ref remaining));
            Assert.Contains("insn 0: a 8-byte load the verifier proved in bounds is outside its region", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            vm.Return();
        }
    }

    private static string Outcome(string asm, BpfProgramType type, int length, BpfEngine engine)
    {
        using var system = new BpfSystem(new BpfSystemOptions { Engine = engine });
        using var program = TestSupport.Load(system, asm, type);
        var data = new byte[length];
        if (length > 13)
        {
            data[12] = 0x08;
        }

        try
        {
            var r0 = program.Program.Run(data);
            return $"r0=0x{r0:x} data={Convert.ToHexString(data)}";
        }
        catch (BpfException e)
        {
            return $"{e.Errno} at {e.InstructionIndex}: {e.Message}";
        }
    }

    private sealed class AllInBounds : IBpfAccessProof
    {
        public bool IsInBounds(int instructionIndex) => true;
    }
}
