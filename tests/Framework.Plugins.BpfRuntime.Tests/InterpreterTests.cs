using Framework.Plugins.BpfRuntime.Programs;
using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Plugins.BpfRuntime.Tests;

public sealed class InterpreterTests
{
    [Fact]
    public void Reads_the_memory_block_through_r1_with_its_length_in_r2()
    {
        Assert.Equal(0x0201UL, TestSupport.Run("ldxh %r0, [%r1]\nexit", [1, 2, 3]));
        Assert.Equal(3UL, TestSupport.Run("mov %r0, %r2\nexit", [1, 2, 3]));
    }

    [Fact]
    public void An_out_of_bounds_load_stops_the_program_with_EFAULT_and_the_instruction_index()
    {
        var e = TestSupport.Fault("mov %r0, 0\nldxw %r0, [%r1+2]\nexit", [1, 2, 3, 4]);
        Assert.Equal(BpfErrno.EFAULT, e.Errno);
        Assert.Equal(1, e.InstructionIndex);
        Assert.Contains("Context", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mov %r1, 0\nldxb %r0, [%r1]\nexit")]
    [InlineData("lddw %r1, 0xffffffffffffffff\nstxb [%r1], %r1\nexit")]
    [InlineData("stdw [%r10-520], 1\nexit")]
    [InlineData("stdw [%r10], 1\nexit")]
    [InlineData("mov %r1, %r10\nadd %r1, 4096\nldxb %r0, [%r1]\nexit")]
    public void Wild_pointers_never_reach_host_memory(string asm)
    {
        Assert.Equal(BpfErrno.EFAULT, TestSupport.Fault(asm).Errno);
    }

    [Fact]
    public void An_endless_loop_exhausts_the_instruction_budget()
    {
        var e = TestSupport.Fault("loop:\nadd %r0, 1\nja loop", options: new BpfSystemOptions { InstructionBudget = 1000 });
        Assert.Equal(BpfErrno.ELOOP, e.Errno);
        Assert.InRange(e.InstructionIndex, 0, 1);
    }

    [Fact]
    public void Local_calls_nest_eight_frames_deep_and_no_deeper()
    {
        // Each frame calls the next: depth n succeeds up to 8 frames (main + 7 calls).
        static string Chain(int calls) =>
            string.Concat(Enumerable.Range(0, calls).Select(i => $"call local f{i}\nexit\nf{i}:\n")) + "mov %r0, 7\nexit";
        Assert.Equal(7UL, TestSupport.Run(Chain(7)));
        var e = TestSupport.Fault(Chain(8));
        Assert.Equal(BpfErrno.E2BIG, e.Errno);
    }

    [Fact]
    public void Each_frame_has_its_own_512_byte_stack_and_callee_saved_registers()
    {
        const string asm = """
            stdw [%r10-8], 11
            mov %r6, 5
            call local f
            ldxdw %r0, [%r10-8]
            add %r0, %r6
            exit
            f:
            stdw [%r10-8], 99
            mov %r6, 1000
            exit
            """;
        Assert.Equal(16UL, TestSupport.Run(asm));
    }

    [Fact]
    public void Division_and_modulo_by_zero_follow_RFC_9669()
    {
        Assert.Equal(0UL, TestSupport.Run("mov %r0, 7\nmov %r1, 0\ndiv %r0, %r1\nexit"));
        Assert.Equal(7UL, TestSupport.Run("mov %r0, 7\nmov %r1, 0\nmod %r0, %r1\nexit"));
        Assert.Equal(0xffffffffUL, TestSupport.Run("lddw %r0, 0xffffffffffffffff\nmov %r1, 0\nmod32 %r0, %r1\nexit"));
        Assert.Equal(0x8000000000000000UL, TestSupport.Run("lddw %r0, 0x8000000000000000\nsdiv %r0, -1\nexit"));
    }

    [Fact]
    public void Running_past_the_last_instruction_is_an_error()
    {
        var e = TestSupport.Fault("mov %r0, 1");
        Assert.Equal(1, e.InstructionIndex);
    }

    [Fact]
    public void Callx_to_an_unknown_helper_names_the_instruction()
    {
        var e = TestSupport.Fault("mov %r2, 999\ncall %r2\nexit");
        Assert.Equal(1, e.InstructionIndex);
        Assert.Contains("999", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Xdp_programs_see_data_and_data_end_and_may_rewrite_the_packet()
    {
        const string asm = """
            ldxw %r2, [%r1]
            ldxw %r3, [%r1+4]
            mov %r0, %r3
            sub %r0, %r2
            stb [%r2], 0xaa
            exit
            """;
        using var system = new BpfSystem();
        using var program = TestSupport.Load(system, asm, BpfProgramType.Xdp);
        var packet = new byte[60];
        Assert.Equal(60UL, program.Program.Run(packet));
        Assert.Equal(0xaa, packet[0]);
    }

    [Fact]
    public void The_xdp_context_is_read_only()
    {
        using var system = new BpfSystem();
        using var program = TestSupport.Load(system, "stw [%r1], 0\nexit", BpfProgramType.Xdp);
        Assert.Equal(BpfErrno.EFAULT, Assert.Throws<BpfException>(() => program.Program.Run(new byte[20])).Errno);
    }

    [Fact]
    public void Socket_filters_read_len_and_legacy_packet_loads_in_network_order()
    {
        const string asm = """
            ldabsh 12
            jne %r0, 0x0800, drop
            ldxw %r0, [%r1]
            exit
            drop:
            mov %r0, 0
            exit
            """;
        using var system = new BpfSystem();
        using var program = TestSupport.Load(system, asm, BpfProgramType.SocketFilter);
        var ipv4 = new byte[42];
        ipv4[12] = 0x08;
        Assert.Equal(42UL, program.Program.Run(ipv4));
        Assert.Equal(0UL, program.Program.Run(new byte[42]));
        Assert.Equal(0UL, program.Program.Run(new byte[6]));
    }

    [Fact]
    public void Test_runs_repeat_over_fresh_copies_and_count_instructions()
    {
        using var system = new BpfSystem();
        using var program = TestSupport.Load(system, "ldxb %r0, [%r1]\nadd %r0, 1\nstxb [%r1], %r0\nexit");
        var result = program.Program.TestRun(new byte[] { 5 }, repeat: 10);
        Assert.Equal(6UL, result.ReturnValue);
        Assert.Equal(4, result.InstructionsExecuted);
        Assert.Equal(6, result.DataOut[0]);
    }

    [Fact]
    public void Many_threads_run_one_program_at_once()
    {
        using var system = new BpfSystem();
        using var program = TestSupport.Load(system, "ldxdw %r0, [%r1]\nmul %r0, 3\nexit");
        Parallel.For(0, 2000, i =>
        {
            var memory = BitConverter.GetBytes((long)i);
            Assert.Equal((ulong)i * 3, program.Program.Run(memory));
        });
    }
}
