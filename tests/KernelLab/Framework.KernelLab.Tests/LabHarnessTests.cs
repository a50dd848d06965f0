using System.Diagnostics;

namespace Framework.KernelLab.Tests;

[Collection(LabCollection.Name)]
[Trait("Category", "KernelLab")]
public sealed class LabHarnessTests
{
    [KernelLabFact]
    public async Task Command_output_exit_code_and_result_files_come_back()
    {
        var result = await KernelLab.RunAsync(new LabRun
        {
            Script = """
                echo "guest kernel $(uname -r)"
                cat input.txt
                mkdir -p out
                echo "written in the guest" > out/result.txt
                exit 7
                """,
            Files = { ["input.txt"] = "from the host\n" },
            Timeout = TimeSpan.FromMinutes(2),
        });

        Assert.True(result.Completed, result.Describe());
        Assert.Equal(7, result.ExitCode);
        Assert.False(result.Succeeded);
        Assert.Contains($"guest kernel {LabImage.Get().KernelVersion}", result.Output, StringComparison.Ordinal);
        Assert.Contains("from the host", result.Output, StringComparison.Ordinal);
        Assert.Equal("written in the guest\n", result.ReadResult("out/result.txt"));
        Assert.Contains("Linux version", result.KernelLog, StringComparison.Ordinal);
        var failure = Assert.Throws<LabRunFailedException>(() => result.EnsureSuccess());
        Assert.Contains("the command exited 7", failure.Message, StringComparison.Ordinal);
    }

    [KernelLabFact]
    public async Task Guest_sees_the_host_files_and_its_writes_stay_in_the_guest()
    {
        var probe = Path.Combine(LabPaths.RepoRoot, $"lab-write-probe-{Guid.NewGuid():N}");
        var result = await KernelLab.RunAsync(new LabRun
        {
            Script = $"""
                set -e
                test -f "$FRAMEWORK_DLL"
                echo overlay > "{probe}"
                cat "{probe}"
                test -e /sys/kernel/tracing/user_events_data && echo "user_events present"
                grep -q " /sys/kernel/tracing " /proc/mounts && echo "tracefs mounted"
                """,
            Timeout = TimeSpan.FromMinutes(2),
        });

        result.EnsureSuccess();
        Assert.Contains("overlay", result.Output, StringComparison.Ordinal);
        Assert.Contains("user_events present", result.Output, StringComparison.Ordinal);
        Assert.Contains("tracefs mounted", result.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(probe), "a file written in the guest reached the host");
    }

    [KernelLabFact]
    public async Task A_guest_that_panics_fails_with_its_console_tail()
    {
        var result = await KernelLab.RunAsync(new LabRun
        {
            Script = "echo about to panic; sleep 1; echo c > /proc/sysrq-trigger; sleep 600",
            Timeout = TimeSpan.FromMinutes(2),
        });

        Assert.False(result.Completed);
        Assert.False(result.TimedOut, result.Describe());
        Assert.True(result.Elapsed < TimeSpan.FromMinutes(2));
        var failure = Assert.Throws<LabRunFailedException>(() => result.EnsureSuccess());
        Assert.Contains("without its end marker", failure.Message, StringComparison.Ordinal);
        Assert.Contains("about to panic", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Kernel panic", failure.Message, StringComparison.Ordinal);
    }

    [KernelLabFact]
    public async Task A_guest_that_hangs_is_killed_at_the_timeout_with_its_console_tail()
    {
        var result = await KernelLab.RunAsync(new LabRun
        {
            Script = "echo about to hang; sleep 3600",
            Timeout = TimeSpan.FromSeconds(30),
        });

        Assert.False(result.Completed);
        Assert.True(result.TimedOut, result.Describe());
        Assert.Null(result.QemuExitCode);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(45), $"killed after {result.Elapsed}");
        var failure = Assert.Throws<LabRunFailedException>(() => result.EnsureSuccess());
        Assert.Contains("did not finish within 30 s", failure.Message, StringComparison.Ordinal);
        Assert.Contains("about to hang", failure.Message, StringComparison.Ordinal);
        Assert.Empty(QemuProcessesUsing(result.ResultsDirectory));
    }

    [KernelLabFact]
    public async Task Qemu_does_not_outlive_an_aborted_test_process()
    {
        // The runner plays an aborted test: it boots a guest that never ends and is then SIGKILLed.
        var runner = LabPaths.ProjectOutput("Framework.KernelLab.Runner", "kernel-lab.dll");
        var marker = $"abort-probe-{Guid.NewGuid():N}";
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(runner);
        info.ArgumentList.Add("--timeout");
        info.ArgumentList.Add("600");
        info.ArgumentList.Add($"echo {marker}; sleep 3600");
        using var process = Process.Start(info)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();

        // The runner first waits for the machine-wide lab lock, which other test projects' lab runs
        // may hold for minutes on a busy machine.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(30);
        int[] qemus = [];
        while (DateTime.UtcNow < deadline && !process.HasExited && (qemus = QemuProcessesChildOf(process.Id)).Length == 0)
        {
            await Task.Delay(200);
        }

        Assert.False(process.HasExited, $"the runner exited with {(process.HasExited ? process.ExitCode : 0)} before it started qemu");
        Assert.NotEmpty(qemus);
        process.Kill(); // SIGKILL: no handler of ours runs
        await process.WaitForExitAsync();

        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline && qemus.Any(pid => Directory.Exists($"/proc/{pid}")))
        {
            await Task.Delay(100);
        }

        Assert.DoesNotContain(qemus, pid => Directory.Exists($"/proc/{pid}") && !IsZombie(pid));
    }

    private static int[] QemuProcessesUsing(string text) =>
        QemuProcesses().Where(p => p.CommandLine.Contains(text, StringComparison.Ordinal)).Select(p => p.Pid).ToArray();

    private static int[] QemuProcessesChildOf(int parent) =>
        QemuProcesses().Where(p => p.Parent == parent).Select(p => p.Pid).ToArray();

    private static IEnumerable<(int Pid, int Parent, string CommandLine)> QemuProcesses()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            string commandLine, stat;
            try
            {
                commandLine = File.ReadAllText($"{dir}/cmdline").Replace('\0', ' ');
                stat = File.ReadAllText($"{dir}/stat");
            }
            catch (IOException)
            {
                continue;
            }

            if (!commandLine.StartsWith("qemu-system-x86_64", StringComparison.Ordinal) || IsZombie(pid))
            {
                continue;
            }

            // stat: "pid (comm) state ppid ..."; comm may hold spaces, so parse after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            yield return (pid, int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture), commandLine);
        }
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] is 'Z' or 'X';
        }
        catch (IOException)
        {
            return true;
        }
    }
}
