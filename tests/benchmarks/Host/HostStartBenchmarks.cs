using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Framework.Benchmarks.Host;

/// <summary>
/// Start-up cost of the plugins, measured on the real executable as a process: `framework run
/// --stop-after-start` (start to all plugins started, then stop) and `framework plugins list`, each
/// with the five bundled plugins against the same host with no plugins (the baseline, same run).
/// Targets: the five plugins add under 150 ms to start; resident memory per plugin under 15 MB
/// (printed at global cleanup from the host's own "resident memory" log line).
/// </summary>
[Config(typeof(ProcessLaunchConfig))]
public partial class HostStartBenchmarks
{
    /// <summary>In-process (the work is in child processes anyway): one launch per invocation, few iterations.</summary>
    private sealed class ProcessLaunchConfig : ManualConfig
    {
        public ProcessLaunchConfig() =>
            AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithStrategy(RunStrategy.Monitoring)
                .WithWarmupCount(2)
                .WithIterationCount(10)
                .WithInvocationCount(1)
                .WithUnrollFactor(1));
    }

    private static readonly string HostDll = Path.Combine(FindRepoRoot(), "host", "bin", "Release", "net10.0", "framework.dll");

    [GlobalSetup]
    public void CheckHostBuilt()
    {
        if (!File.Exists(HostDll))
        {
            throw new FileNotFoundException($"build the host first: dotnet build -c Release host ({HostDll} is missing)");
        }
    }

    [Benchmark(Baseline = true, Description = "run, no plugins")]
    public void StartBareHost() => Run("--no-bundled-plugins", "run", "--stop-after-start");

    [Benchmark(Description = "run, five plugins")]
    public void StartFivePlugins() => Run("run", "--stop-after-start");

    [Benchmark(Description = "plugins list, no plugins")]
    public void ListBare() => Run("--no-bundled-plugins", "plugins", "list");

    [Benchmark(Description = "plugins list, five plugins")]
    public void ListFivePlugins() => Run("plugins", "list");

    [GlobalCleanup]
    public void ReportMemory()
    {
        var bare = ResidentMegabytes("--no-bundled-plugins", "run", "--stop-after-start");
        var five = ResidentMegabytes("run", "--stop-after-start");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// resident memory at all-started: no plugins {bare:0.0} MB, five plugins {five:0.0} MB, per plugin {(five - bare) / 5:0.0} MB (target < 15 MB)"));
    }

    private static (string Output, string Error) Run(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(HostDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"framework {string.Join(' ', args)} exited {process.ExitCode}: {error}");
        }

        return (output.Result, error);
    }

    private static double ResidentMegabytes(params string[] args)
    {
        var samples = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var match = ResidentLine().Match(Run(args).Error);
            if (match.Success)
            {
                samples.Add(double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
            }
        }

        return samples.Count == 0 ? double.NaN : samples.Order().ElementAt(samples.Count / 2);
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Framework.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException("no Framework.sln above the benchmark");
    }

    [GeneratedRegex(@"resident memory ([0-9.]+) MB")]
    private static partial Regex ResidentLine();
}
