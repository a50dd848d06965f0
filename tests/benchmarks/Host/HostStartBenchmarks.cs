using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Framework.Benchmarks.Host;

/// <summary>
/// Start-up cost of the host, measured on the real executable (the Release build, ReadyToRun) as
/// whole processes, each group against its own baseline measured in the same run (the Ratio column):
/// <list type="bullet">
/// <item>one-shot: `framework bpf asm` and `framework --help` against a hello-world .NET process
/// (target for bpf asm: Ratio within 3);</item>
/// <item>run: `framework run --stop-after-start` with the five bundled plugins against the same
/// host with none (target: under +150 ms);</item>
/// <item>list: `framework plugins list` with five plugins against none.</item>
/// </list>
/// Resident memory per plugin (target: under 15 MB) is printed at global cleanup: the host runs
/// with NOTIFY_SOCKET set, and its VmRSS is read when it sends READY=1 (every plugin started).
/// </summary>
[Config(typeof(ProcessLaunchConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class HostStartBenchmarks
{
    private static readonly string HostDll = Path.Combine(RepositoryRoot.Find(), "host", "bin", "Release", "net10.0", "framework.dll");
    private string _work = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        if (!File.Exists(HostDll))
        {
            throw new FileNotFoundException($"build the host first: dotnet build -c Release host ({HostDll} is missing)");
        }

        _work = Directory.CreateTempSubdirectory("framework-bench-").FullName;
        File.WriteAllText(Path.Combine(_work, "prog.s"), "mov %r0, 42\nadd %r0, 1\nexit\n");
    }

    [Benchmark(Baseline = true, Description = "hello world .NET process")]
    [BenchmarkCategory("one-shot")]
    public void HelloWorld() => Run(typeof(HostStartBenchmarks).Assembly.Location, BenchmarkProgram.HelloWorldArgument);

    [Benchmark(Description = "framework bpf asm")]
    [BenchmarkCategory("one-shot")]
    public void BpfAsm() => Run(HostDll, "bpf", "asm", Path.Combine(_work, "prog.s"), "-o", Path.Combine(_work, "prog.bin"));

    [Benchmark(Description = "framework --help")]
    [BenchmarkCategory("one-shot")]
    public void RootHelp() => Run(HostDll, "--help");

    [Benchmark(Baseline = true, Description = "run, no plugins")]
    [BenchmarkCategory("run")]
    public void StartBareHost() => Run(HostDll, "--no-bundled-plugins", "run", "--stop-after-start");

    [Benchmark(Description = "run, five plugins")]
    [BenchmarkCategory("run")]
    public void StartFivePlugins() => Run(HostDll, "run", "--stop-after-start");

    [Benchmark(Baseline = true, Description = "plugins list, no plugins")]
    [BenchmarkCategory("list")]
    public void ListBare() => Run(HostDll, "--no-bundled-plugins", "plugins", "list");

    [Benchmark(Description = "plugins list, five plugins")]
    [BenchmarkCategory("list")]
    public void ListFivePlugins() => Run(HostDll, "plugins", "list");

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_work, recursive: true);

    /// <summary>Once, after the five-plugin run (a cleanup of every case would measure seven times).</summary>
    [GlobalCleanup(Target = nameof(StartFivePlugins))]
    public void ReportMemory()
    {
        var bare = ResidentMegabytesWhenReady("--no-bundled-plugins");
        var five = ResidentMegabytesWhenReady();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// resident memory at READY=1: no plugins {bare:0.0} MB, five plugins {five:0.0} MB, per plugin {(five - bare) / 5:0.0} MB (target < 15 MB)"));
        Cleanup();
    }

    private static void Run(string dll, params string[] args)
    {
        using var process = Start(dll, args, null);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        _ = output.Result;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(dll)} {string.Join(' ', args)} exited {process.ExitCode}: {error}");
        }
    }

    private static Process Start(string dll, string[] args, string? notifySocket)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        if (notifySocket is not null)
        {
            info.Environment["NOTIFY_SOCKET"] = notifySocket;
        }

        return Process.Start(info)!;
    }

    /// <summary>The median of three runs of VmRSS read when the host says READY=1.</summary>
    private static double ResidentMegabytesWhenReady(params string[] args)
    {
        var samples = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var path = Path.Combine(Path.GetTempPath(), $"framework-bench-{Guid.NewGuid():N}.sock");
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Bind(new UnixDomainSocketEndPoint(path));
            socket.ReceiveTimeout = 60_000;
            using var process = Start(HostDll, [.. args, "run"], path);
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            var buffer = new byte[512];
            if (Encoding.UTF8.GetString(buffer, 0, socket.Receive(buffer)).Contains("READY=1", StringComparison.Ordinal))
            {
                samples.Add(ProcessMemory.VmRssKilobytes(process.Id) / 1024.0);
            }

            Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
            process.WaitForExit();
            File.Delete(path);
        }

        return samples.Count == 0 ? double.NaN : samples.Order().ElementAt(samples.Count / 2);
    }
}
