using BenchmarkDotNet.Attributes;
using Framework.Plugins.BpfRuntime.Assembler;
using Framework.Plugins.BpfRuntime.Isa;
using Framework.Plugins.BpfRuntime.Kernel;
using Framework.Plugins.BpfRuntime.Programs;
using Framework.Plugins.BpfRuntime.Syscall;
using Framework.Plugins.BpfRuntime.Verifier;

namespace Framework.Benchmarks.BpfEngines;

/// <summary>
/// The cost of getting each program of <see cref="EngineBenchmarks"/> ready to run: the kernel's
/// BPF_PROG_LOAD (its verifier and JIT; the baseline) against our load (verifier included) plus IL
/// compilation, and, to tell the two apart, our verifier alone and our load and compilation without it.
/// </summary>
public class EngineLoadBenchmarks
{
    private readonly byte[] _packet = EnginePrograms.Packet();
    private BpfInstruction[] _code = [];
    private BpfSystem _system = null!;
    private BpfMapHandle _map = null!;
    private KernelBpfSystem? _kernel;
    private KernelMap? _kernelMap;
    private VerifierEnvironment _environment = null!;

    [ParamsSource(nameof(Programs))]
    public string Program { get; set; } = "parser";

    public static IEnumerable<string> Programs => EnginePrograms.Names;

    [GlobalSetup]
    public void Setup()
    {
        _code = BpfAssembler.Assemble(EnginePrograms.Source(Program));
        _system = new BpfSystem(new BpfSystemOptions { MemlockLimit = long.MaxValue });
        _map = _system.CreateMap(EnginePrograms.HashMap);
        var maps = new Dictionary<int, VerifierMap>();
        for (var i = 0; i < _code.Length; i++)
        {
            if (_code[i].Opcode == BpfOpcode.LdDw && _code[i].Src is BpfOpcode.PseudoMapFd or BpfOpcode.PseudoMapIdx)
            {
                var d = EnginePrograms.HashMap;
                maps[i] = new VerifierMap(0, d.Type, d.KeySize, d.ValueSize);
            }
        }

        _environment = new VerifierEnvironment { Type = BpfProgramType.Xdp, MapsByInstruction = maps };
        if (KernelBpfSystem.Unavailable is null)
        {
            _kernel = new KernelBpfSystem();
            _kernelMap = _kernel.CreateMap(EnginePrograms.HashMap);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _kernel?.Dispose();
        _map.Dispose();
        _system.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int Kernel_load()
    {
        var kernel = _kernel ?? throw new InvalidOperationException("bpf(2) is unavailable: " + KernelBpfSystem.Unavailable);
        using var program = kernel.LoadProgram(new BpfProgramLoadAttributes { Type = BpfProgramType.Xdp, Instructions = _code, License = "GPL", MapDescriptors = [_kernelMap!.Fd] });
        return program.Fd;
    }

    /// <summary>Load, IL emission and the .NET JIT's compilation (which happens on the first call, so
    /// one run is included).</summary>
    [Benchmark]
    public ulong Load_il_compile_and_first_run()
    {
        using var program = _system.LoadProgram(new BpfProgramLoadAttributes { Type = BpfProgramType.Xdp, Instructions = _code, License = "GPL", MapDescriptors = [_map.Fd] });
        return program.Program.Run(_packet, BpfEngine.Jit);
    }

    /// <summary>Our verifier alone (the part of the load above that proves the program safe).</summary>
    [Benchmark]
    public bool Verify_only() => BpfVerifier.Verify(_code, _environment).Accepted;

    /// <summary>Load without the verifier, IL emission and the .NET JIT's compilation (every access checked).</summary>
    [Benchmark]
    public ulong Load_unverified_il_compile_and_first_run()
    {
        using var program = _system.LoadProgram(new BpfProgramLoadAttributes { Type = BpfProgramType.Xdp, Instructions = _code, License = "GPL", MapDescriptors = [_map.Fd], Verify = false });
        return program.Program.Run(_packet, BpfEngine.Jit);
    }
}
