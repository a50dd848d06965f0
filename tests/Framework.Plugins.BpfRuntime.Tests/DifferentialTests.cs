using System.Diagnostics;
using Framework.Plugins.BpfRuntime.Differential;
using Framework.Plugins.BpfRuntime.Kernel;
using Xunit.Abstractions;

namespace Framework.Plugins.BpfRuntime.Tests;

public sealed class DifferentialTests(ITestOutputHelper output)
{
    private const int Programs = 5000;

    [KernelFact]
    public void Five_thousand_random_programs_agree_in_the_kernel_the_interpreter_and_the_jit()
    {
        using var runner = new DifferentialRunner();
        Assert.Null(runner.KernelUnavailable);
        var clock = Stopwatch.StartNew();
        var failures = new List<DifferentialOutcome>();
        for (var seed = 1; seed <= Programs && failures.Count < 3; seed++)
        {
            var outcome = runner.Run(seed);
            if (!outcome.Agreed)
            {
                failures.Add(outcome);
            }
        }

        output.WriteLine($"{Programs} programs in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    [Fact]
    public void Random_programs_agree_in_the_interpreter_and_the_jit_without_the_kernel()
    {
        using var runner = new DifferentialRunner(useKernel: false);
        for (var seed = 100_000; seed < 100_500; seed++)
        {
            var outcome = runner.Run(seed);
            Assert.True(outcome.Agreed, outcome.ToString());
        }
    }

    [KernelFact]
    public void A_successful_cmpxchg32_zero_extends_r0_as_in_the_kernel()
    {
        // Seeds whose programs exposed the JIT's upper bits after a successful 32-bit cmpxchg.
        using var runner = new DifferentialRunner();
        foreach (var seed in new[] { 11384, 11668 })
        {
            var outcome = runner.Run(seed);
            Assert.True(outcome.Agreed, outcome.ToString());
        }
    }

    [Fact]
    public void The_map_write_of_seed_57486_agrees_in_the_interpreter_and_the_jit()
    {
        // Its JIT code once wrote a map value the other engines left alone: the .NET JIT lost r4's upper
        // half across an inlined div32 (see JitOps and the README's notes).
        using var runner = new DifferentialRunner(useKernel: false);
        var outcome = runner.Run(57486);
        Assert.True(outcome.Agreed, outcome.ToString());
    }

    [Fact]
    public void The_generator_is_deterministic_and_ends_every_program_with_exit()
    {
        for (var seed = 0; seed < 200; seed++)
        {
            var code = DifferentialProgramGenerator.Generate(seed);
            Assert.Equal(code, DifferentialProgramGenerator.Generate(seed));
            Assert.Equal(0x95, code[^1].Opcode);
        }
    }
}
