using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using Framework.Plugins.BpfRuntime.Maps;
using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Benchmarks.BpfRuntime;

/// <summary>
/// Map throughput from the syscall side: lookups and updates of hash and array maps from 1 and 2
/// threads, against a ConcurrentDictionary lookup as the baseline. One operation per map call
/// (OperationsPerInvoke), so the Ops/s column is map operations per second over all threads.
/// </summary>
[Config(typeof(Config))]
public class MapBenchmarks
{
    private const int OperationsPerThread = 100_000;
    private const int Keys = 1024;
    private BpfSystem _system = null!;
    private BpfMap _hash = null!;
    private BpfMap _array = null!;
    private byte[][] _keys = null!;
    private readonly ConcurrentDictionary<int, long> _dictionary = new();

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _system = new BpfSystem();
        _hash = _system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, Keys)).Map;
        _array = _system.CreateMap(new BpfMapDefinition(BpfMapType.Array, 4, 8, Keys)).Map;
        _keys = Enumerable.Range(0, Keys).Select(BitConverter.GetBytes).ToArray();
        foreach (var key in _keys)
        {
            _hash.Update(key, new byte[8]);
            _dictionary[BitConverter.ToInt32(key)] = 0;
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = OperationsPerThread)]
    public long ConcurrentDictionary_lookup() => Parallel(t =>
    {
        long sum = 0;
        for (var i = 0; i < OperationsPerThread / Threads; i++)
        {
            _dictionary.TryGetValue((i + t) & (Keys - 1), out var v);
            sum += v;
        }

        return sum;
    });

    [Benchmark(OperationsPerInvoke = OperationsPerThread)]
    public long Hash_lookup() => Parallel(t => Lookups(_hash, t));

    [Benchmark(OperationsPerInvoke = OperationsPerThread)]
    public long Hash_update() => Parallel(t => Updates(_hash, t));

    [Benchmark(OperationsPerInvoke = OperationsPerThread)]
    public long Array_lookup() => Parallel(t => Lookups(_array, t));

    [Benchmark(OperationsPerInvoke = OperationsPerThread)]
    public long Array_update() => Parallel(t => Updates(_array, t));

    private long Lookups(BpfMap map, int t)
    {
        Span<byte> value = stackalloc byte[8];
        long found = 0;
        for (var i = 0; i < OperationsPerThread / Threads; i++)
        {
            if (map.TryLookup(_keys[(i + t) & (Keys - 1)], value))
            {
                found++;
            }
        }

        return found;
    }

    private long Updates(BpfMap map, int t)
    {
        Span<byte> value = stackalloc byte[8];
        for (var i = 0; i < OperationsPerThread / Threads; i++)
        {
            BitConverter.TryWriteBytes(value, (long)i);
            map.Update(_keys[(i + t) & (Keys - 1)], value);
        }

        return OperationsPerThread / Threads;
    }

    /// <summary>Runs the work on <see cref="Threads"/> threads and sums the results.</summary>
    private long Parallel(Func<int, long> work)
    {
        if (Threads == 1)
        {
            return work(0);
        }

        var tasks = new Task<long>[Threads];
        for (var t = 0; t < Threads; t++)
        {
            var index = t;
            tasks[t] = Task.Factory.StartNew(() => work(index), TaskCreationOptions.LongRunning);
        }

        Task.WaitAll(tasks);
        return tasks.Sum(x => x.Result);
    }

    private sealed class Config : BenchmarkDotNet.Configs.ManualConfig
    {
        public Config() => AddColumn(new InstructionsPerSecondColumn());
    }
}
