using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Framework.Benchmarks.Isolation;

/// <summary>
/// Round trip of one command (<c>probe echo ping</c>, which does next to nothing, so the difference is
/// the transport) through the host's command handler: to the plugin loaded in process (the baseline)
/// and to the same plugin in a plugin-host child over the Unix socket. The Added per call column is
/// the target: under 100 µs. Beside them, the floor: a bare 64-byte echo with another process
/// over a Unix socket (<see cref="SocketEcho"/>), measured in the same run.
/// </summary>
[Config(typeof(AddedCostConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class OutOfProcessCommandBenchmarks
{
    private PluginFixture _inProcess = null!;
    private PluginFixture _outOfProcess = null!;
    private SocketEcho _echo = null!;

    [GlobalSetup]
    public void Setup()
    {
        _inProcess = PluginFixture.Load("in-process");
        _outOfProcess = PluginFixture.Load("process");
        _echo = SocketEcho.Start();
    }

    [Benchmark(Baseline = true, Description = "command, in process")]
    [BenchmarkCategory("command")]
    public Task<int> InProcess() => _inProcess.EchoAsync();

    [Benchmark(Description = "command, out of process")]
    [BenchmarkCategory("command")]
    public Task<int> OutOfProcess() => _outOfProcess.EchoAsync();

    [Benchmark(Description = "socket echo with another process")]
    [BenchmarkCategory("command")]
    public Task SocketFloor() => _echo.RoundTripAsync();

    [GlobalCleanup]
    public void Cleanup()
    {
        _echo.Dispose();
        _inProcess.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _outOfProcess.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
