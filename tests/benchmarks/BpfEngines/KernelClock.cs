using Framework.Plugins.BpfRuntime.Assembler;
using Framework.Plugins.BpfRuntime.Kernel;
using Framework.Plugins.BpfRuntime.Programs;

namespace Framework.Benchmarks.BpfEngines;

/// <summary>
/// The kernel's own figure for a program: the mean duration BPF_PROG_TEST_RUN reports over
/// <see cref="EngineBenchmarks.Repeat"/> runs (the median of several calls): the loop alone,
/// without the system call's own cost (copying the packet in and out, setting up the test run)
/// that <see cref="EngineBenchmarks.Kernel_jit"/> includes. Issue 15 defines the baseline by this
/// one.
/// </summary>
internal static class KernelClock
{
    private const int Calls = 7;

    /// <summary>ns per run by the kernel's clock, or null without bpf(2).</summary>
    public static double? Nanoseconds(string program)
    {
        if (KernelBpfSystem.Unavailable is not null)
        {
            return null;
        }

        using var kernel = new KernelBpfSystem();
        using var map = kernel.CreateMap(EnginePrograms.HashMap);
        using var loaded = kernel.LoadProgram(new BpfProgramLoadAttributes
        {
            Type = BpfProgramType.Xdp,
            Instructions = BpfAssembler.Assemble(EnginePrograms.Source(program)),
            License = "GPL",
            MapDescriptors = [map.Fd],
        });
        var packet = EnginePrograms.Packet();
        var durations = Enumerable.Range(0, Calls).Select(_ => loaded.TestRun(packet, EngineBenchmarks.Repeat).DurationNanoseconds).Order().ToArray();
        return durations[Calls / 2];
    }
}
