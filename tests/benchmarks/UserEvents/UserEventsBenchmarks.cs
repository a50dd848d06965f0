using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Framework.Plugins.UserEvents.Backends;
using Framework.Plugins.UserEvents.Definitions;
using Framework.Plugins.UserEvents.Groups;
using Framework.Plugins.UserEvents.Native;

namespace Framework.Benchmarks.UserEvents;

/// <summary>
/// The targets, each against a baseline in the same run: a disabled-event check (target
/// under 2 ns; baseline a plain read of a native word) and an enabled emit (target within 1.3x of a
/// C program doing the same writev; both write to <c>UE_BENCH_DATA</c>, default /dev/null, which is
/// the kernel's user_events_data in the lab with the event enabled). The in-process emit (one
/// consumer) is shown in the emit group for scale.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public unsafe class UserEventsBenchmarks
{
    private const string Command = "bench u32 a;u64 b;__rel_loc char[] s";
    private static readonly byte[] Text = "GET /index.html\0"u8.ToArray();
    private readonly byte[] _buffer = new byte[256];
    private int* _raw;
    private UserEventSet? _inProcess;
    private UserEventTracepoint? _disabled;
    private UserEventTracepoint? _enabled;
    private IDisposable? _consumer;
    private UserEventsDataFd? _fd;
    private UserEventDefinition? _definition;
    private UserEventsCBaseline? _c;
    private GCHandle _text;
    private int _rawFd;
    private int _writeIndex;
    private int* _kernelEnable;

    [GlobalSetup]
    public void Setup()
    {
        _raw = (int*)NativeMemory.AlignedAlloc(8, 8);
        *_raw = 0;
        var backend = new InProcessBackend(new UserEventGroupRegistry(isPerfmonCapable: true), "benchmark");
        _inProcess = new UserEventSet(backend, "bench");
        _disabled = _inProcess.Register("idle u32 a");
        _enabled = _inProcess.Register(Command);
        _consumer = backend.Listen("bench", "bench", _ => { });
        _definition = UserEventCommandParser.Parse(Command);
        var path = Environment.GetEnvironmentVariable("UE_BENCH_DATA") ?? "/dev/null";
        _fd = UserEventsDataFd.Open(path);
        _rawFd = _fd.RawFd;
        if (Path.GetFileName(path) == "user_events_data")
        {
            // The kernel: register the event on this descriptor (its write index is what both
            // emits carry) and enable it through tracefs, so that each write is a real enabled
            // emit that the kernel copies into the trace buffer, not a refused unknown index.
            _kernelEnable = (int*)NativeMemory.AlignedAlloc(8, 8);
            *_kernelEnable = 0;
            _writeIndex = _fd.Register(Command, 0, (nint)_kernelEnable, 0, 4);
            File.WriteAllText(Path.Combine(Path.GetDirectoryName(path)!, "events", "user_events", "bench", "enable"), "1");
            if (Volatile.Read(ref *_kernelEnable) == 0)
            {
                throw new InvalidOperationException("the kernel did not set the enable bit of user_events:bench after tracefs enabled it");
            }
        }
        _c = new UserEventsCBaseline();
        _text = GCHandle.Alloc(Text, GCHandleType.Pinned);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _consumer?.Dispose();
        _inProcess?.Dispose();
        if (_kernelEnable is not null)
        {
            var path = Environment.GetEnvironmentVariable("UE_BENCH_DATA")!;
            File.WriteAllText(Path.Combine(Path.GetDirectoryName(path)!, "events", "user_events", "bench", "enable"), "0");
            _fd?.Unregister((nint)_kernelEnable, 0);
        }

        _fd?.Dispose();
        if (_kernelEnable is not null)
        {
            NativeMemory.AlignedFree(_kernelEnable);
        }
        _c?.Dispose();
        _text.Free();
        NativeMemory.AlignedFree(_raw);
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Disabled check")]
    public bool NativeWordRead() => Volatile.Read(ref *_raw) != 0;

    [Benchmark]
    [BenchmarkCategory("Disabled check")]
    public bool TracepointIsEnabled() => _disabled!.IsEnabled;

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Enabled emit")]
    public long CWritev() => _c!.Emit(_rawFd, _writeIndex, 42, 7, (byte*)_text.AddrOfPinnedObject());

    [Benchmark]
    [BenchmarkCategory("Enabled emit")]
    public int ManagedWritev()
    {
        var writer = new Framework.Plugins.UserEvents.Payload.UserEventPayloadWriter(_buffer, _definition!, _writeIndex);
        writer.WriteUnsigned(42);
        writer.WriteUnsigned(7);
        writer.WriteString("GET /index.html");
        return _fd!.Write(writer.Complete());
    }

    [Benchmark]
    [BenchmarkCategory("Enabled emit")]
    public bool InProcessEmit()
    {
        var writer = _enabled!.CreateWriter(_buffer);
        writer.WriteUnsigned(42);
        writer.WriteUnsigned(7);
        writer.WriteString("GET /index.html");
        return _enabled.Write(writer.Complete());
    }
}
