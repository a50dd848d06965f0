using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Framework.Benchmarks;

/// <summary>For benchmarks whose every invocation starts a process (the host, a plugin-host child):
/// in this process (the work is in the started ones anyway), one launch per invocation, few
/// iterations, no unrolling. The median is shown beside the mean (which the Ratio column uses):
/// on a shared virtual machine one launch in ten can take twice as long and move the mean.</summary>
public class ProcessLaunchConfig : ManualConfig
{
    public ProcessLaunchConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithStrategy(RunStrategy.Monitoring)
            .WithWarmupCount(2)
            .WithIterationCount(10)
            .WithInvocationCount(1)
            .WithUnrollFactor(1));
        AddColumn(StatisticColumn.Median);
    }
}
