using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Framework.Plugins.VectorTransports.Native;
using Framework.Plugins.VectorTransports.Transports;

namespace Framework.Benchmarks.VectorTransports;

/// <summary>
/// Packets per second through the unix and raw transports, 64 and 1500-byte frames, depth 1, 32 and 64:
/// our VectorTransport (Enqueue, Flush, Receive) against a C program doing the same sendmmsg/recvmmsg
/// on the same descriptors in the same run (the baseline). Each operation is one frame sent and
/// received; a batch of depth frames is sent, then received, then the next. The table's
/// "Packets/s vs C" column is the throughput target (at least 0.8x at depth 64) and "Gain vs depth 1"
/// the batching target (at least 5x at depth 64); BenchmarkDotNet's Ratio is time over time.
/// The raw cases build a veth pair in a network namespace of their own (root needed).
/// Run: dotnet run -c Release --project tests/benchmarks -- --filter '*VectorTransportBenchmarks*'
/// </summary>
[InProcess]
[WarmupCount(1)]
[IterationCount(9)]
[MemoryDiagnoser]
[Config(typeof(Configuration))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
public class VectorTransportBenchmarks
{
    private const int Packets = 8192;
    private VectorTransport? _a;
    private VectorTransport? _b;
    private CBaseline? _c;
    private byte[] _frame = [];
    private string? _namespace;

    [Params("unix", "raw")]
    public string Transport { get; set; } = "unix";

    [Params(64, 1500)]
    public int FrameSize { get; set; }

    [Params(1, 32, 64)]
    public int Depth { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (Transport == "unix")
        {
            var id = $"{Environment.ProcessId}-{Guid.NewGuid():n}";
            _a = TransportRegistry.Open($"transport=unix,src=@fw-bench-{id}-a,dst=@fw-bench-{id}-b,depth={Depth}");
            _b = TransportRegistry.Open($"transport=unix,src=@fw-bench-{id}-b,dst=@fw-bench-{id}-a,depth={Depth}");
        }
        else
        {
            _namespace = $"fwvtbench{Environment.ProcessId}";
            Run($"netns add {_namespace}");
            Run($"netns exec {_namespace} sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1");
            Run($"-n {_namespace} link add va type veth peer name vb");
            Run($"-n {_namespace} link set va up");
            Run($"-n {_namespace} link set vb up");
            using (NetworkNamespace.Enter(_namespace))
            {
                _a = TransportRegistry.Open($"transport=raw,ifname=va,depth={Depth}");
                _b = TransportRegistry.Open($"transport=raw,ifname=vb,depth={Depth}");
            }
        }

        _frame = new byte[FrameSize];
        _frame.AsSpan(0, 6).Fill(0xff);
        _frame[6] = 0x02;
        _frame[11] = 0xcc;
        _frame[12] = 0x88;
        _frame[13] = 0xb5;
        _c = new CBaseline(Depth, FrameSize);

        // The unix side A connects to B lazily, on its first flush; do it now so that the C loop,
        // which sends without an address, finds the socket connected.
        _a.Send(_frame);
        _b.Receive(1000);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _a?.Dispose();
        _b?.Dispose();
        _c?.Dispose();
        if (_namespace is not null)
        {
            Run($"netns del {_namespace}");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Packets, Description = "C sendmmsg/recvmmsg")]
    public long C() => _c!.Run(_a!.TransmitDescriptor, _b!.ReceiveDescriptor, Packets);

    [Benchmark(OperationsPerInvoke = Packets, Description = "VectorTransport")]
    public long DotNet()
    {
        var a = _a!;
        var b = _b!;
        long received = 0;
        for (var sent = 0; sent < Packets; sent += Depth)
        {
            for (var i = 0; i < Depth; i++)
            {
                a.Enqueue(_frame);
            }

            a.Flush();
            var got = 0;
            while (got < Depth)
            {
                var n = b.Receive(1000);
                if (n == 0)
                {
                    break;
                }

                got += n;
            }

            received += got;
        }

        return received;
    }

    private static void Run(string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("ip", arguments) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {arguments}: {error}");
        }
    }

    private sealed class Configuration : ManualConfig
    {
        public Configuration() => AddColumn(new PacketsPerSecondColumn(), new PacketsVersusCColumn(), new BatchingGainColumn());
    }
}
