using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Framework.Plugins.Elf2Dmp.Conversion;

namespace Framework.Benchmarks.Elf2Dmp;

/// <summary>
/// Converting a large synthetic QEMU dump (4 GiB of RAM by default; ELF2DMP_BENCH_GIB overrides) against
/// a plain <c>cp</c> of the same input to the same disk, in the same run: the Ratio column is the
/// conversion's time over the copy's (target: at most 1.3). The peak resident memory of the conversion
/// (VmHWM, reset before each conversion through /proc/self/clear_refs) is printed at the end (target:
/// under 200 MB whatever the dump's size).
/// </summary>
[Config(typeof(OneShotConfig))]
public class ConvertVersusCopyBenchmark
{
    private string _folder = string.Empty;
    private string _input = string.Empty;
    private string _symbols = string.Empty;
    private long _peakKb;

    [GlobalSetup]
    public void Setup()
    {
        var gib = double.Parse(Environment.GetEnvironmentVariable("ELF2DMP_BENCH_GIB") ?? "4", CultureInfo.InvariantCulture);
        var sample = Path.Combine(AppContext.BaseDirectory, "plugins", "elf2dmp", "Sample");
        if (!File.Exists(Path.Combine(sample, "guest.elf")))
        {
            sample = Path.Combine(RepositoryRoot.Find(), "plugins", "elf2dmp", "Sample");
        }

        _symbols = Path.Combine(sample, "symbols");
        _folder = Path.Combine(Path.GetTempPath(), "elf2dmp-bench-" + Environment.ProcessId);
        Directory.CreateDirectory(_folder);
        _input = Path.Combine(_folder, "large.elf");
        LargeGuestDump.Write(Path.Combine(sample, "guest.elf"), _input, (long)(gib * (1L << 30)));
    }

    /// <summary>Both contestants start alike: no previous output to replace, no dirty pages from the
    /// previous iteration still being written back.</summary>
    [IterationSetup]
    public void StartClean()
    {
        File.Delete(Path.Combine(_folder, "copy.elf"));
        File.Delete(Path.Combine(_folder, "large.dmp"));
        using var sync = Process.Start("sync")!;
        sync.WaitForExit();
    }

    [Benchmark(Baseline = true, Description = "cp")]
    public void Copy()
    {
        using var cp = Process.Start(new ProcessStartInfo("cp", [_input, Path.Combine(_folder, "copy.elf")]))!;
        cp.WaitForExit();
        if (cp.ExitCode != 0)
        {
            throw new InvalidOperationException("cp failed");
        }
    }

    [Benchmark(Description = "elf2dmp convert")]
    public void Convert()
    {
        ResetPeak();
        new DumpConverter().ConvertAsync(_input, Path.Combine(_folder, "large.dmp"), new ConversionOptions { SymbolPath = _symbols })
            .GetAwaiter().GetResult();
        _peakKb = Math.Max(_peakKb, ReadPeakKb());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_peakKb > 0)
        {
            Console.WriteLine($"// elf2dmp peak resident memory during conversion: {_peakKb / 1024.0:F1} MB (target < 200 MB) for {new FileInfo(_input).Length / (double)(1L << 30):F2} GiB");
        }

        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Few, long iterations, in process: each one moves gigabytes, and the peak-memory probe
    /// must see the conversion's own process.</summary>
    private sealed class OneShotConfig : ManualConfig
    {
        public OneShotConfig()
        {
            AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(3)
                .WithToolchain(InProcessEmitToolchain.Instance));
        }
    }

    private static void ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (IOException)
        {
            // Older kernels: the peak then covers the whole process.
        }
    }

    private static long ReadPeakKb()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
