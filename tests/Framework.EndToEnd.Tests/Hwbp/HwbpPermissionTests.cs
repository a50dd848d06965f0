using System.Diagnostics;
using System.Globalization;
using System.Text;
using Framework.EndToEnd.Tests.Hostile;
using Framework.EndToEnd.Tests.Infrastructure;

namespace Framework.EndToEnd.Tests.Hwbp;

/// <summary>
/// <c>framework hwbp watch</c> without the privileges it needs, run for real through setpriv: as an
/// unprivileged uid (the target belongs to root), and as root with every capability dropped. Each
/// refusal is exit 1 with the errno, the cause (another user; a target with more capabilities), the
/// privilege that was missing and this machine's facts (uid, capabilities, perf_event_paranoid,
/// Yama), and the target is left untraced and running. Yama's own refusals need a kernel with Yama:
/// tests/Framework.Plugins.HwbpX86.Tests/Lab/YamaLabTests.
/// </summary>
public sealed class HwbpPermissionTests : IDisposable
{
    private static readonly string[] Unprivileged = ["--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all"];
    private static readonly string[] RootWithoutCapabilities = ["--inh-caps=-all", "--bounding-set=-all"];
    private readonly Process _target;
    private readonly string _address;

    public HwbpPermissionTests()
    {
        _target = Process.Start(new ProcessStartInfo("sleep", ["120"]) { UseShellExecute = false })!;
        // The first writable mapping of the target: page-aligned, so valid for any length.
        var line = File.ReadLines($"/proc/{_target.Id}/maps").First(l => l.Split(' ')[1].StartsWith("rw", StringComparison.Ordinal));
        _address = "0x" + line[..line.IndexOf('-', StringComparison.Ordinal)];
    }

    public void Dispose()
    {
        _target.Kill();
        _target.WaitForExit();
        _target.Dispose();
    }

    [RootFact]
    public async Task Perf_as_another_user_is_refused_with_EACCES_naming_CAP_PERFMON_and_perf_event_paranoid()
    {
        var result = await Watch(Unprivileged, "perf");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("permission denied: watching another process needs CAP_PERFMON", result.Error, StringComparison.Ordinal);
        Assert.Contains("here: uid 65534, CAP_PERFMON no, CAP_SYS_PTRACE no, CAP_SYS_ADMIN no, perf_event_paranoid ", result.Error, StringComparison.Ordinal);
        Assert.Contains("[EACCES]", result.Error, StringComparison.Ordinal);
        AssertTargetUntouched();
    }

    [RootFact]
    public async Task Ptrace_as_another_user_is_refused_with_EPERM_naming_both_users_and_CAP_SYS_PTRACE()
    {
        var result = await Watch(Unprivileged, "ptrace");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"operation not permitted: pid {_target.Id} (sleep) runs as uid 0/0/0/0 gid 0/0/0/0 (real, effective, saved, fs) and this watcher as uid 65534 gid 65534: tracing another user's process needs CAP_SYS_PTRACE", result.Error, StringComparison.Ordinal);
        Assert.Contains("CAP_SYS_PTRACE no", result.Error, StringComparison.Ordinal);
        Assert.Contains(File.Exists("/proc/sys/kernel/yama/ptrace_scope") ? "Yama ptrace_scope " + File.ReadAllText("/proc/sys/kernel/yama/ptrace_scope").Trim() : "Yama ptrace_scope absent (no Yama)", result.Error, StringComparison.Ordinal);
        Assert.Contains("[EPERM]", result.Error, StringComparison.Ordinal);
        AssertTargetUntouched();
    }

    [RootFact]
    public async Task Root_without_capabilities_is_refused_by_both_backends_saying_which_capability_is_missing()
    {
        foreach (var (backend, errno) in new[] { ("perf", "[EACCES]"), ("ptrace", "[EPERM]") })
        {
            var result = await Watch(RootWithoutCapabilities, backend);

            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.Contains("here: uid 0, CAP_PERFMON no, CAP_SYS_PTRACE no, CAP_SYS_ADMIN no", result.Error, StringComparison.Ordinal);
            Assert.Contains(errno, result.Error, StringComparison.Ordinal);
            if (backend == "ptrace")
            {
                // Same uid, but the target holds every capability and the watcher none: the capability rule.
                Assert.Contains($"pid {_target.Id} (sleep) holds capabilities this watcher does not (CAP_CHOWN, ", result.Error, StringComparison.Ordinal);
                Assert.Contains("tracing a process with more capabilities needs CAP_SYS_PTRACE", result.Error, StringComparison.Ordinal);
            }

            AssertTargetUntouched();
        }
    }

    private void AssertTargetUntouched()
    {
        Assert.False(_target.HasExited);
        Assert.Contains("TracerPid:\t0", File.ReadAllText($"/proc/{_target.Id}/status"), StringComparison.Ordinal);
    }

    private async Task<ProcessResult> Watch(string[] privileges, string backend)
    {
        var info = new ProcessStartInfo("setpriv")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in privileges)
        {
            info.ArgumentList.Add(argument);
        }

        // An unprivileged uid cannot write root's home: the .NET host needs none of it.
        info.Environment["HOME"] = "/tmp";
        info.Environment["DOTNET_CLI_HOME"] = "/tmp";
        foreach (var argument in (string[])["dotnet", Path.Combine(FrameworkProcess.HostDirectory, "framework.dll"), "hwbp", "watch", "--pid", _target.Id.ToString(CultureInfo.InvariantCulture), "--addr", _address, "--len", "8", "--type", "w", "--backend", backend, "--duration", "5"])
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }
}
