using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Framework.Benchmarks.Isolation;

/// <summary>
/// Round trip of one command (<c>probe echo ping</c>, which does next to nothing, so the difference is
/// the transport) through the host's command handler: to the plugin loaded in process (the baseline)
/// and to the same plugin in a plugin-host child over the Unix socket. The Added per call column is
/// the target: under 100 µs.
/// </summary>
[Config(typeof(InProcessConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class OutOfProcessCommandBenchmarks
{
    private PluginFixture _inProcess = null!;
    private PluginFixture _outOfProcess = null!;

    /// <summary>In this process: the host's plugin manager and the children it starts are the subject.</summary>
    private sealed class InProcessConfig : ManualConfig
    {
        public InProcessConfig()
        {
            AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance));
            AddColumn(new AddedMicrosecondsColumn());
        }
    }

    [GlobalSetup]
    public void Setup()
    {
        _inProcess = PluginFixture.Load("in-process");
        _outOfProcess = PluginFixture.Load("process");
    }

    [Benchmark(Baseline = true, Description = "command, in process")]
    [BenchmarkCategory("command")]
    public Task<int> InProcess() => _inProcess.EchoAsync();

    [Benchmark(Description = "command, out of process")]
    [BenchmarkCategory("command")]
    public Task<int> OutOfProcess() => _outOfProcess.EchoAsync();

    [GlobalCleanup]
    public void Cleanup()
    {
        _inProcess.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _outOfProcess.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
