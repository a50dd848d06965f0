using Framework.Plugins.BpfRuntime.Interpreter;
using Framework.Plugins.BpfRuntime.Programs;
using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Plugins.BpfRuntime.Tests;

/// <summary>The interpreter charges the budget once per straight-line stretch; these pin that a
/// run still stops exactly where a count per instruction stops it, with the same error.</summary>
public sealed class InstructionBudgetTests
{
    // Instructions 0 and 1, then 1,000 iterations of 2..5, then 6: 4,003 instructions in all.
    private const string Loop = """
        mov %r0, 0
        mov %r1, 1000
        loop:
        add %r0, %r1
        xor %r0, 0x5a
        sub %r1, 1
        jne %r1, 0, loop
        exit
        """;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(1000)]
    [InlineData(1001)]
    [InlineData(1002)]
    [InlineData(1003)]
    [InlineData(4002)]
    public void A_loop_that_exceeds_the_budget_stops_with_ELOOP_at_the_first_instruction_past_it(int budget)
    {
        var e = Fault(Loop, budget);
        Assert.Equal(BpfErrno.ELOOP, e.Errno);
        Assert.Contains($"instruction budget of {budget} exhausted", e.Message, StringComparison.Ordinal);
        var expected = budget < 2 ? budget : budget == 4002 ? 6 : 2 + ((budget - 2) % 4);
        Assert.Equal(expected, e.InstructionIndex);
    }

    [Fact]
    public void A_budget_of_exactly_the_instructions_run_suffices_and_they_are_counted()
    {
        using var system = new BpfSystem(new BpfSystemOptions { InstructionBudget = 4003 });
        using var program = TestSupport.Load(system, Loop);
        var result = program.Program.TestRun([], 3, BpfEngine.Interpreter);
        Assert.Equal(4003, result.InstructionsExecuted);
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 5)]
    public void A_wide_load_counts_once_against_the_budget(int budget, int stoppedAt)
    {
        var e = Fault("lddw %r0, 5\nlddw %r1, 6\nadd %r0, %r1\nexit", budget);
        Assert.Equal(BpfErrno.ELOOP, e.Errno);
        Assert.Equal(stoppedAt, e.InstructionIndex);
        Assert.Equal(11UL, Run("lddw %r0, 5\nlddw %r1, 6\nadd %r0, %r1\nexit", 4));
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 3)]
    [InlineData(4, 1)]
    public void The_budget_runs_across_local_calls_and_returns(int budget, int stoppedAt)
    {
        const string asm = "call local f\nexit\nf:\nmov %r0, 1\nmov %r0, 2\nexit";
        Assert.Equal(stoppedAt, Fault(asm, budget).InstructionIndex);
        Assert.Equal(2UL, Run(asm, 5));
    }

    [Fact]
    public void A_fault_before_the_budget_runs_out_in_the_same_stretch_is_still_the_fault()
    {
        // The stretch (five instructions) does not fit a budget of three, but the load faults first.
        var e = Fault("mov %r0, 0\nldxw %r0, [%r1+2]\nmov %r0, 1\nmov %r0, 2\nexit", 3, [1, 2, 3, 4]);
        Assert.Equal(BpfErrno.EFAULT, e.Errno);
        Assert.Equal(1, e.InstructionIndex);
    }

    [Fact]
    public void A_packet_load_outside_the_packet_ends_the_run_before_the_budget_and_counts_what_ran()
    {
        const string asm = "mov %r0, 7\nldabsw 40\nmov %r0, 1\nmov %r0, 2\nexit";
        using var system = new BpfSystem(new BpfSystemOptions { InstructionBudget = 3 });
        using var program = TestSupport.Load(system, asm, BpfProgramType.SocketFilter);
        var result = program.Program.TestRun(new byte[20], 1, BpfEngine.Interpreter);
        Assert.Equal(0UL, result.ReturnValue);
        Assert.Equal(2, result.InstructionsExecuted);
    }

    [Fact]
    public void Each_instruction_costs_the_instructions_from_it_to_the_end_of_its_stretch()
    {
        using var system = new BpfSystem();
        using var program = TestSupport.Load(system, "lddw %r0, 1\n" + Loop);

        // lddw (two slots, one instruction), mov, mov, add, xor, sub, jne | exit | sentinel.
        Assert.Equal([7, 1, 6, 5, 4, 3, 2, 1, 1, 1], program.Program.StretchCosts);
        Assert.Equal(4, StretchCosts.ExhaustingSlot(program.Program.Code, 0, 3));
        Assert.Equal(2, StretchCosts.ExhaustingSlot(program.Program.Code, 0, 1));
    }

    private static BpfException Fault(string asm, long budget, byte[]? memory = null) =>
        TestSupport.Fault(asm, memory, new BpfSystemOptions { InstructionBudget = budget, Engine = BpfEngine.Interpreter });

    private static ulong Run(string asm, long budget)
    {
        using var system = new BpfSystem(new BpfSystemOptions { InstructionBudget = budget });
        using var program = TestSupport.Load(system, asm);
        return program.Program.Run([], BpfEngine.Interpreter);
    }
}
