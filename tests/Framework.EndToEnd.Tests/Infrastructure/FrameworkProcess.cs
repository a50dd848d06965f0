using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Framework.EndToEnd.Tests.Infrastructure;

/// <summary>Runs the real <c>framework</c> executable from the host's build output as a process.</summary>
public static class FrameworkProcess
{
    /// <summary>The repository root (the folder holding Framework.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The host's build output for this test's configuration.</summary>
    public static string HostDirectory { get; } = Path.Combine(
        RepoRoot, "host", "bin",
        typeof(FrameworkProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug",
        "net10.0");

    /// <summary>Starts <c>dotnet framework.dll args</c> (with SIGINT at its default action) with the given extra environment; the caller
    /// reads and waits. Standard input is closed.</summary>
    public static Process Start(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var dll = Path.Combine(HostDirectory, "framework.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"the host is not built: {dll} is missing.", dll);
        }

        // Through env --default-signal=INT (coreutils, which execs dotnet under the same pid): a
        // test run started in the background of a non-interactive shell (nohup ... &) has SIGINT
        // ignored, a child inherits that, and the runtime then rightly leaves Ctrl+C ignored; the
        // host under test must meet SIGINT as a terminal user's process does.
        var info = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? HostDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add("--default-signal=INT");
        info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Keep the child's view clean of the test runner's own settings.
        foreach (var name in new[] { "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "DOTNET_ENVIRONMENT", "FRAMEWORK_ENVIRONMENT" })
        {
            info.Environment.Remove(name);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        process.StandardInput.Close();
        return process;
    }

    /// <summary>Runs to completion (killing the process tree after <paramref name="timeout"/>) and returns what it printed.</summary>
    public static async Task<ProcessResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        using var process = Start(args, environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"framework {string.Join(' ', args)} did not exit within {timeout ?? TimeSpan.FromMinutes(2)}; output so far:\n{await stdout}\n{await stderr}");
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Sends SIGTERM (what a service manager sends) and waits up to <paramref name="timeout"/> for
    /// the process to exit; past that it is killed and <see cref="TimeoutException"/> says so.</summary>
    public static async Task TerminateAsync(Process process, TimeSpan timeout)
    {
        if (process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
        {
            await kill.WaitForExitAsync();
        }

        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the process did not stop within {timeout} of SIGTERM.");
        }
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Framework.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException($"no Framework.sln above {AppContext.BaseDirectory}.");
    }
}

/// <summary>What a finished process printed.</summary>
public sealed record ProcessResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
}
