using Framework.Plugins.BpfRuntime.Assembler;
using Framework.Plugins.BpfRuntime.Isa;
using Framework.Plugins.BpfRuntime.Jit;
using Framework.Plugins.BpfRuntime.Kernel;
using Framework.Plugins.BpfRuntime.Maps;
using Framework.Plugins.BpfRuntime.Programs;
using Framework.Plugins.BpfRuntime.Verifier;

namespace Framework.Plugins.BpfRuntime.Tests.Verifier;

/// <summary>Each verifier rule rejects at least one program, at the instruction it names and for the
/// stated reason; where the kernel (as root) can judge the same program, it rejects it too.</summary>
public sealed class VerifierRuleTests
{
    private const string Lookup = "stw [%r10-4], 0\nlddw %r1, map_fd({hash})\nmov %r2, %r10\nadd %r2, -4\ncall 1\n";

    /// <summary>name, program type, assembler ({hash}, {array}, {ring} name maps), expected reason, instruction.</summary>
    private static readonly (string Name, BpfProgramType Type, string Asm, string Reason, int Insn)[] s_privileged =
    [
        ("unreachable", BpfProgramType.Xdp, "mov %r0, 0\nexit\nmov %r0, 1\nexit", "unreachable insn 2", 2),
        ("falls_off_the_end", BpfProgramType.Xdp, "mov %r0, 0", "last insn is not an exit or jmp", 0),
        ("loop_without_progress", BpfProgramType.Xdp, "mov %r0, 0\nl:\njeq %r0, 0, l\nexit", "infinite loop detected at insn 1", 1),
        ("loop_beyond_the_complexity_limit", BpfProgramType.Xdp, "mov %r0, 0\nl:\nadd %r0, 1\njlt %r0, 10000000, l\nexit", "BPF program is too large", -1),
        ("uninitialized_register", BpfProgramType.Xdp, "mov %r0, %r5\nexit", "R5 !read_ok", 0),
        ("uninitialized_return_value", BpfProgramType.Xdp, "exit", "R0 !read_ok", 0),
        ("stack_out_of_bounds", BpfProgramType.Xdp, "stdw [%r10-520], 1\nmov %r0, 0\nexit", "invalid write to stack", 0),
        ("map_value_not_null_checked", BpfProgramType.Xdp, Lookup + "ldxdw %r0, [%r0]\nexit", "invalid mem access 'map_value_or_null'", 6),
        ("map_value_out_of_bounds", BpfProgramType.Xdp, Lookup + "jeq %r0, 0, out\nldxdw %r0, [%r0+8]\nexit\nout:\nmov %r0, 0\nexit", "invalid access to map value", 7),
        ("map_value_variable_offset_negative", BpfProgramType.Xdp, Lookup + "jeq %r0, 0, out\nldxdw %r1, [%r0]\nadd %r0, %r1\nldxb %r0, [%r0]\nexit\nout:\nmov %r0, 0\nexit", "R0 min value is negative", 9),
        ("map_value_variable_offset_unbounded", BpfProgramType.Xdp, Lookup + "jeq %r0, 0, out\nldxdw %r1, [%r0]\nrsh %r1, 1\nadd %r0, %r1\nldxb %r0, [%r0]\nexit\nout:\nmov %r0, 0\nexit", "R0 unbounded memory access", 10),
        ("map_value_variable_offset_past_the_value", BpfProgramType.Xdp, Lookup + "jeq %r0, 0, out\nldxdw %r1, [%r0]\nand %r1, 15\nadd %r0, %r1\nldxb %r0, [%r0]\nexit\nout:\nmov %r0, 0\nexit", "invalid access to map value, value_size=8 off=0 (var umax=15) size=1", 10),
        ("packet_without_bounds_check", BpfProgramType.Xdp, "ldxw %r2, [%r1]\nldxb %r0, [%r2]\nexit", "invalid access to packet", 1),
        ("packet_read_past_the_checked_range", BpfProgramType.Xdp, "ldxw %r2, [%r1]\nldxw %r3, [%r1+4]\nmov %r4, %r2\nadd %r4, 4\njgt %r4, %r3, out\nldxdw %r0, [%r2]\nexit\nout:\nmov %r0, 1\nexit", "invalid access to packet, off=0 size=8", 5),
        ("packet_end_dereferenced", BpfProgramType.Xdp, "ldxw %r3, [%r1+4]\nldxb %r0, [%r3]\nexit", "invalid mem access 'pkt_end'", 1),
        ("scalar_dereferenced", BpfProgramType.Xdp, "mov %r1, 0\nldxb %r0, [%r1]\nexit", "invalid mem access 'scalar'", 1),
        ("context_written", BpfProgramType.Xdp, "stw [%r1], 0\nmov %r0, 0\nexit", "invalid bpf_context access", 0),
        ("helper_argument_type", BpfProgramType.Xdp, "mov %r1, 0\nmov %r2, 0\ncall 1\nmov %r0, 0\nexit", "R1 type=scalar expected=map_ptr", 2),
        ("helper_map_type", BpfProgramType.Xdp, "lddw %r1, map_fd({ring})\nstw [%r10-4], 0\nmov %r2, %r10\nadd %r2, -4\ncall 1\nmov %r0, 0\nexit", "cannot pass map_type 27 into func bpf_map_lookup_elem", 5),
        ("ring_buffer_record_not_null_checked", BpfProgramType.Xdp, "lddw %r1, map_fd({ring})\nmov %r2, 8\nmov %r3, 0\ncall 131\nmov %r1, %r0\nmov %r2, 0\ncall 132\nmov %r0, 0\nexit", "R1 type=ringbuf_mem_or_null expected=ringbuf_mem", 7),
        ("pointer_bitwise_operation", BpfProgramType.Xdp, "mov %r0, %r10\nand %r0, 1\nmov %r0, 0\nexit", "bitwise operator &= on pointer prohibited", 1),
        ("pointer_arithmetic_32_bit", BpfProgramType.Xdp, "add32 %r1, 1\nmov %r0, 0\nexit", "32-bit pointer arithmetic prohibited", 0),
        ("pointer_arithmetic_on_nullable", BpfProgramType.Xdp, Lookup + "add %r0, 8\nmov %r0, 0\nexit", "null-check it first", 6),
        ("shift_by_the_operand_width", BpfProgramType.Xdp, "mov %r0, 1\nlsh %r0, 64\nexit", "invalid shift 64", 1),
        ("call_stack_too_deep", BpfProgramType.Xdp, DeepCalls(9), "frames is too deep", -1),
    ];

    // Reading stack bytes never written is allowed to privileged programs (the kernel's
    // allow_uninit_stack with CAP_PERFMON; this runtime zeroes each frame), refused otherwise.
    private static readonly (string Name, BpfProgramType Type, string Asm, string Reason, int Insn)[] s_unprivileged =
    [
        ("uninitialized_stack", BpfProgramType.SocketFilter, "ldxdw %r0, [%r10-8]\nexit", "invalid read from stack R10 off -8+0 size 8", 0),
        ("helper_key_uninitialized", BpfProgramType.SocketFilter, "lddw %r1, map_fd({hash})\nmov %r2, %r10\nadd %r2, -4\ncall 1\nmov %r0, 0\nexit", "invalid indirect read from stack R2 off -4+0 size 4", 4),
        ("back_edge", BpfProgramType.SocketFilter, "mov %r0, 0\nl:\nadd %r0, 1\njlt %r0, 10, l\nexit", "back-edge from insn 2 to 1", 2),
        ("pointer_returned", BpfProgramType.SocketFilter, "mov %r0, %r10\nexit", "R0 leaks addr as return value", 1),
        ("pointer_stored_in_a_map", BpfProgramType.SocketFilter, "stw [%r10-4], 0\nlddw %r1, map_fd({array})\nmov %r2, %r10\nadd %r2, -4\ncall 1\njeq %r0, 0, out\nstxdw [%r0], %r10\nout:\nmov %r0, 0\nexit", "leaks addr into map", 7),
        ("pointer_compared", BpfProgramType.SocketFilter, "mov %r0, 0\njeq %r10, 0, out\nout:\nexit", "pointer comparison prohibited", 1),
        ("partial_copy_of_a_pointer", BpfProgramType.SocketFilter, "mov32 %r0, %r10\nexit", "partial copy of pointer", 0),
    ];

    public static IEnumerable<object[]> Privileged() => s_privileged.Select(c => new object[] { c.Name });

    public static IEnumerable<object[]> Unprivileged() => s_unprivileged.Select(c => new object[] { c.Name });

    private static string DeepCalls(int frames)
    {
        var text = new System.Text.StringBuilder("call local f1\nexit\n");
        for (var i = 1; i < frames; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"f{i}:\ncall local f{i + 1}\nexit\n");
        }

        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"f{frames}:\nmov %r0, 0\nexit\n");
        return text.ToString();
    }

    private static readonly Dictionary<string, VerifierMap> s_maps = new()
    {
        ["hash"] = new VerifierMap(0, BpfMapType.Hash, 4, 8),
        ["array"] = new VerifierMap(1, BpfMapType.Array, 4, 8),
        ["ring"] = new VerifierMap(2, BpfMapType.RingBuffer, 0, 0),
    };

    /// <summary>Assembles with map placeholders as fds 100, 101, 102 and verifies.</summary>
    internal static BpfVerifierResult Verify(string asm, BpfProgramType type, bool privileged = true)
    {
        var code = BpfAssembler.Assemble(asm.Replace("{hash}", "100", StringComparison.Ordinal).Replace("{array}", "101", StringComparison.Ordinal).Replace("{ring}", "102", StringComparison.Ordinal));
        var maps = new Dictionary<int, VerifierMap>();
        for (var i = 0; i < code.Length; i++)
        {
            if (code[i].Opcode == BpfOpcode.LdDw && code[i].Src == BpfOpcode.PseudoMapFd)
            {
                maps[i] = s_maps.Values.ElementAt(code[i].Imm - 100);
            }
        }

        return BpfVerifier.Verify(code, new VerifierEnvironment { Type = type, Privileged = privileged, MapsByInstruction = maps });
    }

    private static void AssertRejected(BpfVerifierResult result, string reason, int insn)
    {
        Assert.False(result.Accepted, result.Log);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
        if (insn >= 0)
        {
            Assert.Equal(insn, result.ErrorInstruction);
        }

        Assert.Contains($"insn {result.ErrorInstruction}: {result.Error}", result.Log, StringComparison.Ordinal);
        Assert.Null(result.Proof);
    }

    [Theory]
    [MemberData(nameof(Privileged))]
    public void A_privileged_program_breaking_a_rule_is_rejected_naming_the_instruction_and_reason(string name)
    {
        var c = s_privileged.Single(x => x.Name == name);
        AssertRejected(Verify(c.Asm, c.Type), c.Reason, c.Insn);
    }

    [Theory]
    [MemberData(nameof(Unprivileged))]
    public void An_unprivileged_program_breaking_a_rule_is_rejected_and_accepted_when_privileged(string name)
    {
        var c = s_unprivileged.Single(x => x.Name == name);
        AssertRejected(Verify(c.Asm, c.Type, privileged: false), c.Reason, c.Insn);
        Assert.True(Verify(c.Asm, c.Type, privileged: true).Accepted);
    }

    [KernelTheory]
    [MemberData(nameof(Privileged))]
    public void The_kernel_verifier_also_rejects_every_privileged_rule_breaker(string name)
    {
        var c = s_privileged.Single(x => x.Name == name);
        using var kernel = new KernelBpfSystem();
        using var hash = kernel.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 16));
        using var array = kernel.CreateMap(new BpfMapDefinition(BpfMapType.Array, 4, 8, 16));
        using var ring = kernel.CreateMap(new BpfMapDefinition(BpfMapType.RingBuffer, 0, 0, 4096));
        var asm = c.Asm.Replace("{hash}", hash.Fd.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{array}", array.Fd.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{ring}", ring.Fd.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var e = Assert.Throws<BpfException>(() => kernel.LoadProgram(new BpfProgramLoadAttributes { Type = c.Type, Instructions = BpfAssembler.Assemble(asm), License = "GPL" }).Dispose());
        Assert.NotNull(e.VerifierLog);
    }

    [Fact]
    public void A_jump_out_of_the_program_is_rejected()
    {
        BpfInstruction[] code = [new(BpfOpcode.Jmp | BpfOpcode.Ja, 0, 0, 5, 0), new(BpfOpcode.Jmp | BpfOpcode.Exit, 0, 0, 0, 0)];
        var result = BpfVerifier.Verify(code, new VerifierEnvironment { Type = BpfProgramType.Xdp });
        AssertRejected(result, "jump to 6 is out of range", 0);
    }

    [Fact]
    public void A_jump_into_the_second_half_of_lddw_is_rejected()
    {
        BpfInstruction[] code =
        [
            new(BpfOpcode.Jmp | BpfOpcode.Ja, 0, 0, 1, 0),
            new(BpfOpcode.LdDw, 0, 0, 0, 1), new(0, 0, 0, 0, 0),
            new(BpfOpcode.Jmp | BpfOpcode.Exit, 0, 0, 0, 0),
        ];
        var result = BpfVerifier.Verify(code, new VerifierEnvironment { Type = BpfProgramType.Xdp });
        AssertRejected(result, "into the middle of a", 0);
    }

    [Fact]
    public void A_bounded_loop_is_accepted_by_following_it_to_its_end()
    {
        var result = Verify("mov %r0, 0\nl:\nadd %r0, 1\njlt %r0, 100, l\nexit", BpfProgramType.Xdp);
        Assert.True(result.Accepted, result.Log);
        Assert.InRange(result.ProcessedInstructions, 200, 1000);
    }

    [Fact]
    public void Null_checked_lookups_and_packet_bounds_checks_are_accepted_and_proven()
    {
        var result = Verify(
            Lookup + "jeq %r0, 0, out\nldxdw %r3, [%r0]\nadd %r3, 1\nstxdw [%r0], %r3\nout:\nmov %r0, 2\nexit", BpfProgramType.Xdp);
        Assert.True(result.Accepted, result.Log);
        Assert.True(result.Proof!.IsInBounds(7));
        Assert.True(result.Proof.IsInBounds(9));
        Assert.True(result.Proof.IsInBounds(0));

        var packet = Verify("ldxw %r2, [%r1]\nldxw %r3, [%r1+4]\nmov %r4, %r2\nadd %r4, 14\njgt %r4, %r3, out\nldxh %r0, [%r2+12]\nexit\nout:\nmov %r0, 1\nexit", BpfProgramType.Xdp);
        Assert.True(packet.Accepted, packet.Log);
        Assert.True(packet.Proof!.IsInBounds(5));
        Assert.True(packet.Proof.IsInBounds(0)); // a read of the fixed-size XDP context
        Assert.Equal(0, packet.Proof.MainFrameStackDepth);
        Assert.Equal(4, result.Proof.MainFrameStackDepth); // the lookup key at fp-4
    }

    [Fact]
    public void The_proof_names_the_fixed_region_of_each_proven_access_only_where_every_path_agrees()
    {
        var result = Verify(Lookup + "jeq %r0, 0, out\nldxdw %r3, [%r0]\nadd %r3, 1\nstxdw [%r0], %r3\nout:\nmov %r0, 2\nexit", BpfProgramType.Xdp);
        Assert.True(result.Accepted, result.Log);
        Assert.Equal(ProvenRegion.Stack, result.Proof!.RegionOf(0));
        Assert.Equal(ProvenRegion.Unknown, result.Proof.RegionOf(7)); // a map value, mapped during the run

        // Instruction 9 loads through the packet on one path and through the stack on the other.
        var mixed = Verify(MixedRegionLoad, BpfProgramType.Xdp);
        Assert.True(mixed.Accepted, mixed.Log);
        Assert.Equal(ProvenRegion.Context, mixed.Proof!.RegionOf(0));
        Assert.Equal(ProvenRegion.Stack, mixed.Proof.RegionOf(6));
        Assert.True(mixed.Proof.IsInBounds(9));
        Assert.Equal(ProvenRegion.Unknown, mixed.Proof.RegionOf(9));

        var packet = Verify("ldxw %r2, [%r1]\nldxw %r3, [%r1+4]\nmov %r4, %r2\nadd %r4, 14\njgt %r4, %r3, out\nldxh %r0, [%r2+12]\nexit\nout:\nmov %r0, 1\nexit", BpfProgramType.Xdp);
        Assert.Equal(ProvenRegion.Packet, packet.Proof!.RegionOf(5));
    }

    /// <summary>An XDP program whose load at instruction 9 reads the packet's first 8 bytes when the
    /// packet has them and a zeroed stack slot otherwise.</summary>
    internal const string MixedRegionLoad = """
        ldxw %r2, [%r1]
        ldxw %r3, [%r1+4]
        mov %r4, %r2
        add %r4, 8
        jgt %r4, %r3, stack
        ja load
        stack:
        stdw [%r10-8], 0
        mov %r2, %r10
        add %r2, -8
        load:
        ldxdw %r0, [%r2]
        exit
        """;

    [Fact]
    public void A_variable_map_value_offset_bounded_inside_the_value_is_accepted_and_proven()
    {
        // The same program as the past-the-value rule with the index masked to 0..7: the known
        // bits of the and make the range fit the 8-byte value, on every value of the index.
        var result = Verify(Lookup + "jeq %r0, 0, out\nldxdw %r1, [%r0]\nand %r1, 7\nadd %r0, %r1\nldxb %r0, [%r0]\nexit\nout:\nmov %r0, 0\nexit", BpfProgramType.Xdp);
        Assert.True(result.Accepted, result.Log);
        Assert.True(result.Proof!.IsInBounds(10));
    }

    [Fact]
    public void A_test_programs_memory_block_accesses_stay_checked_at_run_time()
    {
        var result = Verify("ldxb %r0, [%r1+100]\nexit", BpfProgramType.Test);
        Assert.True(result.Accepted, result.Log);
        Assert.False(result.Proof!.IsInBounds(0));
    }

    [Fact]
    public void The_verbose_log_lists_every_processed_instruction_with_its_registers()
    {
        var code = BpfAssembler.Assemble("mov %r0, 5\nadd %r0, 1\nexit");
        var result = BpfVerifier.Verify(code, new VerifierEnvironment { Type = BpfProgramType.Xdp }, verboseLog: true);
        Assert.True(result.Accepted);
        Assert.Contains("1: add %r0, 1 ; R0=5 R1=ctx(off=0) R10=fp+0", result.Log, StringComparison.Ordinal);
        Assert.Contains("processed 3 insns", result.Log, StringComparison.Ordinal);
    }
}
