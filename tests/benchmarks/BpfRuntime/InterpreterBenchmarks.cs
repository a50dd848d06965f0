using BenchmarkDotNet.Attributes;
using Framework.Plugins.BpfRuntime.Assembler;
using Framework.Plugins.BpfRuntime.Conformance;
using Framework.Plugins.BpfRuntime.Programs;
using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Benchmarks.BpfRuntime;

/// <summary>
/// Interpreter throughput: the 100-instruction ALU/branch/memory mix (target: 200 million
/// instructions per second) against the same computation in C#, and the whole conformance suite.
/// Each operation is one executed eBPF instruction (OperationsPerInvoke), so the Ops/s column is
/// instructions per second.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class InterpreterBenchmarks
{
    private const int MixInstructions = 6 + (BpfBenchmarkPrograms.MixIterations * 98) + 5;
    private BpfSystem _system = null!;
    private BpfProgram _mix = null!;
    private List<(BpfProgram Program, byte[] Memory)> _conformance = [];
    private long _conformanceInstructions;
    private readonly byte[] _empty = [];

    [GlobalSetup]
    public void Setup()
    {
        _system = new BpfSystem(new BpfSystemOptions { InstructionBudget = long.MaxValue });
        _mix = _system.LoadProgram(new BpfProgramLoadAttributes { Instructions = BpfAssembler.Assemble(BpfBenchmarkPrograms.Mix()) }).Program;
        var check = _mix.TestRun([]);
        if (check.InstructionsExecuted != MixInstructions || check.ReturnValue != BpfBenchmarkPrograms.MixNative())
        {
            throw new InvalidOperationException($"mix ran {check.InstructionsExecuted} instructions returning {check.ReturnValue}; expected {MixInstructions} and {BpfBenchmarkPrograms.MixNative()}");
        }

        if (BpfBenchmarkPrograms.ConformanceDirectory() is { } dir)
        {
            foreach (var file in Directory.GetFiles(dir, "*.data"))
            {
                var test = ConformanceTest.Parse(Path.GetFileName(file), File.ReadAllText(file));
                var program = _system.LoadProgram(new BpfProgramLoadAttributes { Instructions = BpfAssembler.Assemble(test.Assembly!), License = "GPL" }).Program;
                _conformance.Add((program, test.Memory));
                _conformanceInstructions += program.TestRun(test.Memory).InstructionsExecuted;
            }
        }

        Console.WriteLine($"// mix: {MixInstructions} instructions per run; conformance: {_conformance.Count} programs, {_conformanceInstructions} instructions per pass");
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = MixInstructions)]
    public ulong Mix_native_CSharp() => BpfBenchmarkPrograms.MixNative();

    [Benchmark(OperationsPerInvoke = MixInstructions)]
    public ulong Mix_interpreter() => _mix.RunUntraced(_empty);

    [Benchmark(OperationsPerInvoke = MixInstructions)]
    public ulong Mix_interpreter_with_telemetry() => _mix.Run(_empty);

    [Benchmark]
    public long Conformance_suite_pass()
    {
        // Reported per pass; the Ops/s column of this row is passes per second, and the setup line
        // above gives the instructions per pass.
        long sum = 0;
        foreach (var (program, memory) in _conformance)
        {
            sum += (long)program.RunUntraced(memory.Length == 0 ? memory : (byte[])memory.Clone());
        }

        return sum;
    }

    private sealed class Config : BenchmarkDotNet.Configs.ManualConfig
    {
        public Config() => AddColumn(new InstructionsPerSecondColumn());
    }
}
