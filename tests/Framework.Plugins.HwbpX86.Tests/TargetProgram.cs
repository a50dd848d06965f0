using System.Diagnostics;
using System.Globalization;

namespace Framework.Plugins.HwbpX86.Tests;

/// <summary>
/// The watched process of the watch tests: Targets/hwbp-target.c built with the system's C compiler
/// into the test output (once per run), started with an iteration count and interval. It prints its
/// pid and the addresses of hwbp_counter, hwbp_tick and hwbp_vars, which the tests compare with
/// symbol lookup and the hits.
/// </summary>
internal sealed class TargetProgram : IDisposable
{
    private static readonly Lazy<string?> Built = new(Build);
    private readonly Process _process;

    private TargetProgram(Process process, int pid, ulong counter, ulong tick, ulong vars)
    {
        _process = process;
        Pid = pid;
        Counter = counter;
        Tick = tick;
        Vars = vars;
    }

    /// <summary>Why the target cannot be built here, or null.</summary>
    public static string? Missing => Built.Value is null ? "needs a C compiler (cc, gcc or clang) to build Targets/hwbp-target.c" : null;

    /// <summary>The executable's path.</summary>
    public static string Path => Built.Value ?? throw new InvalidOperationException(Missing);

    public int Pid { get; }

    public ulong Counter { get; }

    public ulong Tick { get; }

    public ulong Vars { get; }

    public bool HasExited => !Watching.TargetProcess.IsAlive(Pid);

    public static TargetProgram Start(long iterations = 0, long intervalMicroseconds = 100_000)
    {
        // The target runs as a child of a shell, not of this process: the runtime reaps its own
        // children with waitpid, which would also take the ptrace stops meant for the tracer thread.
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("\"$0\" \"$@\" & wait");
        info.ArgumentList.Add(Path);
        info.ArgumentList.Add(iterations.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(intervalMicroseconds.ToString(CultureInfo.InvariantCulture));
        var process = Process.Start(info)!;
        var line = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("hwbp-target printed nothing");
        var parts = line.Split(' ');
        return new TargetProgram(process, int.Parse(parts[0], CultureInfo.InvariantCulture), Hex(parts[1]), Hex(parts[2]), Hex(parts[3]));
    }

    /// <summary>The TracerPid line of /proc/pid/status (0 when nothing is attached).</summary>
    public int TracerPid()
    {
        var line = File.ReadLines($"/proc/{Pid}/status").First(l => l.StartsWith("TracerPid:", StringComparison.Ordinal));
        return int.Parse(line["TracerPid:".Length..].Trim(), CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        if (!HasExited)
        {
            try
            {
                using var target = Process.GetProcessById(Pid);
                target.Kill();
            }
            catch (ArgumentException)
            {
            }
        }

        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private static ulong Hex(string text) => ulong.Parse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    private static string? Build()
    {
        var source = System.IO.Path.Combine(AppContext.BaseDirectory, "Targets", "hwbp-target.c");
        var output = System.IO.Path.Combine(AppContext.BaseDirectory, "Targets", "hwbp-target");
        if (File.Exists(output) && File.GetLastWriteTimeUtc(output) >= File.GetLastWriteTimeUtc(source))
        {
            return output;
        }

        foreach (var compiler in new[] { "cc", "gcc", "clang" })
        {
            try
            {
                using var process = Process.Start(new ProcessStartInfo(compiler, ["-O1", "-g", "-o", output + ".tmp", source]) { RedirectStandardError = true, UseShellExecute = false })!;
                process.StandardError.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode == 0)
                {
                    File.Move(output + ".tmp", output, overwrite: true);
                    return output;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
            }
        }

        return null;
    }
}

/// <summary>A fact that needs the target program (a C compiler) and the kernel's breakpoint PMU.</summary>
public sealed class TargetFactAttribute : FactAttribute
{
    public TargetFactAttribute()
    {
        Skip = TargetProgram.Missing ?? KernelBreakpoints.Missing;
    }
}
