using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Framework.Benchmarks.Isolation;

/// <summary>The out-of-process benchmarks' configuration: in this process (the host's plugin manager
/// and the children it starts are the subject), with the Added per call column.</summary>
internal sealed class AddedCostConfig : ManualConfig
{
    public AddedCostConfig()
    {
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance));
        AddColumn(new AddedMicrosecondsColumn());
    }
}
