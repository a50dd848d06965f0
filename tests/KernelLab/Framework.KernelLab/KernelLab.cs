using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Framework.KernelLab;

/// <summary>Boots the lab kernel under qemu-system-x86_64 (TCG) with a command and collects what it
/// left. One guest at a time per machine (a file lock across test processes: two TCG guests on two
/// cores would only make both late). qemu never outlives the test process: it is started with a
/// parent-death signal from a thread that lives as long as it does, killed at the timeout and on
/// cancellation.</summary>
public static partial class KernelLab
{
    private const string EndMarker = "KERNEL-LAB-EXIT";
    private static readonly string LockPath = Path.Combine(Path.GetTempPath(), "framework-kernel-lab.lock");
    private static readonly string RunsRoot = Path.Combine(Path.GetTempPath(), "framework-kernel-lab", $"{Environment.ProcessId}");

    private static int runCount;

    static KernelLab()
    {
        if (Environment.GetEnvironmentVariable("FRAMEWORK_LAB_KEEP") != "1")
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                try
                {
                    Directory.Delete(RunsRoot, recursive: true);
                }
                catch (IOException)
                {
                }
            };
        }
    }

    /// <summary>Boots the lab, runs <paramref name="run"/>'s script, and returns when the guest has
    /// powered off, panicked, or been killed at the timeout.</summary>
    /// <exception cref="InvalidOperationException">The lab cannot boot here; the message says what is missing.</exception>
    public static async Task<LabResult> RunAsync(LabRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        var image = LabImage.Get();
        if (image.Missing is not null)
        {
            throw new InvalidOperationException(image.Missing);
        }

        Directory.CreateDirectory(RunsRoot);
        var results = Path.Combine(RunsRoot, $"run-{Interlocked.Increment(ref runCount)}");
        Directory.CreateDirectory(results);
        foreach (var (name, content) in run.Files)
        {
            var path = Path.GetFullPath(Path.Combine(results, name));
            if (!path.StartsWith(results + "/", StringComparison.Ordinal))
            {
                throw new ArgumentException($"lab file '{name}' is outside /lab", nameof(run));
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, content, cancellationToken);
        }

        await File.WriteAllTextAsync(Path.Combine(results, "command.sh"), CommandScript(run), cancellationToken);

        using var machineLock = await AcquireMachineLockAsync(cancellationToken);
        var console = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        var (process, exited) = StartQemu(image, run, results, console);
        var timedOut = false;
        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(run.Timeout);
            try
            {
                await exited.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                timedOut = !cancellationToken.IsCancellationRequested;
                Kill(process);
                await exited;
                cancellationToken.ThrowIfCancellationRequested();
            }

            stopwatch.Stop();
            var consoleText = Snapshot(console);
            var marker = EndMarkerPattern().Match(consoleText);
            var output = ReadIfExists(Path.Combine(results, "output.log")) ?? string.Empty;
            var kernelLog = ReadIfExists(Path.Combine(results, "dmesg.txt")) ?? consoleText;
            int? qemuExit = timedOut ? null : process.ExitCode;
            return marker.Success
                ? new LabResult(true, int.Parse(marker.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), false,
                    consoleText, output, kernelLog, results, stopwatch.Elapsed, run.Timeout, qemuExit)
                : new LabResult(false, -1, timedOut, consoleText, output, kernelLog, results, stopwatch.Elapsed, run.Timeout, qemuExit);
        }
    }

    private static string CommandScript(LabRun run)
    {
        var script = new StringBuilder();
        script.AppendLine("#!/bin/sh");
        script.AppendLine("# Written by the kernel lab harness; run by the guest's init as root in /lab.");
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ["HOME"] = "/root",
            ["TMPDIR"] = "/tmp",
            ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            ["FRAMEWORK_DLL"] = LabPaths.FrameworkDll,
            ["LAB_REPO"] = LabPaths.RepoRoot,
            ["LAB_RESULTS"] = "/lab",

            // The host's lifecycle timeouts are sized for native speed; under TCG the JIT alone is
            // 10 to 20 times slower, and a busy CI machine slower still.
            ["FRAMEWORK_Host__Timeouts__Configure"] = "00:02:00",
            ["FRAMEWORK_Host__Timeouts__Start"] = "00:02:00",
        };
        foreach (var (key, value) in run.Environment)
        {
            environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            script.Append("export ").Append(key).Append('=').AppendLine(ShellQuote(value));
        }

        script.AppendLine(run.Script);
        return script.ToString();
    }

    private static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static (Process Process, Task Exited) StartQemu(LabImage image, LabRun run, string results, StringBuilder console)
    {
        // setpriv execs qemu with PR_SET_PDEATHSIG=SIGKILL. The signal follows the *thread* that
        // forked it, so the fork happens on a thread of ours that waits for qemu and only then ends;
        // if the test process dies (an aborted run), the kernel kills qemu with it.
        var info = new ProcessStartInfo("setpriv")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in QemuArguments(image, run, results))
        {
            info.ArgumentList.Add(arg);
        }

        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            Process process;
            try
            {
                process = new Process { StartInfo = info };
                process.OutputDataReceived += (_, e) => Append(console, e.Data);
                process.ErrorDataReceived += (_, e) => Append(console, e.Data is null ? null : "qemu: " + e.Data);
                process.Start();
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                started.SetResult(process);
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                started.SetException(new InvalidOperationException($"the kernel lab could not start {Qemu.Executable}: {e.Message}", e));
                return;
            }

            process.WaitForExit();
            exited.SetResult();
        })
        {
            IsBackground = true,
            Name = "kernel-lab qemu",
        };
        thread.Start();
        var qemu = started.Task.GetAwaiter().GetResult();
        return (qemu, exited.Task);
    }

    private static IEnumerable<string> QemuArguments(LabImage image, LabRun run, string results)
    {
        string[] fixedArguments =
        [
            "--pdeathsig", "KILL", "--",
            Qemu.Executable,
            "-machine", "q35,accel=tcg",
            "-cpu", "max",
            "-smp", run.Cpus.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-m", run.MemoryMiB.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-kernel", image.Kernel!,
            "-initrd", image.Initramfs!,
            // no_timer_check: under TCG on a loaded host the kernel's IO-APIC timer check can miss
            // its ticks and panic ("IO-APIC + timer doesn't work"), as seen with both cores busy.
            "-append", "console=ttyS0 panic=-1 quiet no_timer_check",
            "-virtfs", "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap",
            "-virtfs", $"local,path={results},mount_tag=lab,security_model=none,multidevs=remap",
            "-display", "none",
            "-serial", "stdio",
            "-monitor", "none",
            "-nodefaults",
            "-no-reboot",
        ];
        return fixedArguments.Concat(run.QemuArguments);
    }

    private static void Append(StringBuilder console, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (console)
        {
            console.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder console)
    {
        lock (console)
        {
            return console.ToString();
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static string? ReadIfExists(string path) => File.Exists(path) ? File.ReadAllText(path) : null;

    private static async Task<IDisposable> AcquireMachineLockAsync(CancellationToken cancellationToken)
    {
        // FileShare.None is an exclusive flock on Linux; the kernel drops it if this process dies.
        while (true)
        {
            try
            {
                return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }
    }

    [GeneratedRegex($@"{EndMarker} (\d+)")]
    private static partial Regex EndMarkerPattern();
}
