using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Framework.Abstractions.Capabilities;

namespace Framework.Benchmarks.Isolation;

/// <summary>
/// One frame through an <see cref="IPacketFilter"/> that a plugin publishes (the test plugin
/// "sample", whose filter keeps frames of a minimum length, so that the difference is the transport):
/// the filter loaded in this process (the baseline), and loaded in the plugin's plugin-host child and
/// called through the host's capability proxy, as vector-transports' bridge calls bpf-runtime's
/// filter for every frame. Added per call is what the process boundary costs each frame.
/// </summary>
[Config(typeof(AddedCostConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class OutOfProcessPacketFilterBenchmarks
{
    private readonly byte[] _frame = new byte[1514];
    private PluginFixture _inProcess = null!;
    private PluginFixture _outOfProcess = null!;
    private IPacketFilter _local = null!;
    private IPacketFilter _remote = null!;

    [GlobalSetup]
    public void Setup()
    {
        _inProcess = PluginFixture.Load("in-process", "sample");
        _outOfProcess = PluginFixture.Load("process", "sample");
        _local = Load(_inProcess);
        _remote = Load(_outOfProcess);
    }

    [Benchmark(Baseline = true, Description = "1514-byte frame, filter in process")]
    [BenchmarkCategory("packet filter")]
    public uint InProcess() => Keep(_local);

    [Benchmark(Description = "1514-byte frame, filter out of process")]
    [BenchmarkCategory("packet filter")]
    public uint OutOfProcess() => Keep(_remote);

    [GlobalCleanup]
    public void Cleanup()
    {
        _local.Dispose();
        _remote.Dispose();
        _inProcess.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _outOfProcess.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static IPacketFilter Load(PluginFixture fixture) =>
        (fixture.Manager.Capabilities.Get<IPacketFilterProvider>() ?? throw new InvalidOperationException("sample published no IPacketFilterProvider."))
            .Load("64", null);

    private uint Keep(IPacketFilter filter)
    {
        var keep = filter.Filter(_frame);
        return keep == _frame.Length ? keep : throw new InvalidOperationException($"the filter kept {keep} of {_frame.Length} bytes.");
    }
}
