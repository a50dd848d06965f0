using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Framework.Benchmarks.Isolation;

/// <summary>
/// Start of one plugin ("probe") by the host's plugin manager, from discovery to Configured: loaded
/// in process (the baseline) and in a plugin-host child (start, confinement and re-exec, handshake,
/// load in the child, describe). The child's resident memory (VmRSS) once it answers is printed at
/// cleanup, beside the growth of this process for the same plugin in process.
/// </summary>
[Config(typeof(LaunchConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class OutOfProcessStartBenchmarks
{
    /// <summary>One start per invocation, few iterations: each out-of-process case starts a process.</summary>
    private sealed class LaunchConfig : ProcessLaunchConfig
    {
        public LaunchConfig() => AddColumn(new AddedMicrosecondsColumn());
    }

    [Benchmark(Baseline = true, Description = "start, in process")]
    [BenchmarkCategory("start")]
    public void InProcess() => PluginFixture.Load("in-process").DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Description = "start, out of process")]
    [BenchmarkCategory("start")]
    public void OutOfProcess() => PluginFixture.Load("process").DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Once, after the out-of-process case.</summary>
    [GlobalCleanup(Target = nameof(OutOfProcess))]
    public void ReportMemory()
    {
        var samples = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var fixture = PluginFixture.Load("process");
            var pid = fixture.Probe.OutOfProcess!.Child!.ProcessId;
            samples.Add(ProcessMemory.VmRssKilobytes(pid) / 1024.0);
            fixture.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        var before = ProcessMemory.VmRssKilobytes(Environment.ProcessId);
        var inProcess = PluginFixture.Load("in-process");
        var growth = (ProcessMemory.VmRssKilobytes(Environment.ProcessId) - before) / 1024.0;
        inProcess.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// plugin-host child resident memory (VmRSS) once it answers: median {samples.Order().ElementAt(1):0.0} MB of {string.Join(", ", samples.Select(s => s.ToString("0.0", CultureInfo.InvariantCulture)))}; the same plugin in process grew this process by {growth:0.0} MB"));
    }
}
