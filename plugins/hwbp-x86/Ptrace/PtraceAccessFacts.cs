using System.Globalization;

namespace Framework.Plugins.HwbpX86.Ptrace;

/// <summary>
/// What the kernel weighs when it refuses PTRACE_SEIZE with EPERM, as /proc shows it at the moment of
/// the refusal: the watcher's and the target's credentials (ptrace's uid and gid check, the
/// capability LSM's subset rule, CAP_SYS_PTRACE), whether the target is a kernel thread, a descendant
/// of the watcher (Yama's relational scope) or already traced, and Yama's ptrace_scope.
/// <see cref="PtraceRefusal.Classify"/> turns these values into the cause.
/// </summary>
public sealed record PtraceAccessFacts
{
    /// <summary>Where Yama's scope is read; absent when the kernel has no Yama (or it is not active).</summary>
    public const string YamaPtraceScopePath = "/proc/sys/kernel/yama/ptrace_scope";

    private const uint KernelThreadFlag = 0x0020_0000; // PF_KTHREAD in /proc/PID/stat's flags

    /// <summary>The watcher's process id (what the target would name in prctl(PR_SET_PTRACER)).</summary>
    public required int WatcherPid { get; init; }

    /// <summary>The credentials of the watcher's tracing thread; null when unreadable.</summary>
    public required ProcessCredentials? Watcher { get; init; }

    /// <summary>The target thread's credentials; null when unreadable (it exited).</summary>
    public required ProcessCredentials? Target { get; init; }

    /// <summary>The target's command name (/proc/PID/comm), for the message.</summary>
    public string TargetName { get; init; } = "?";

    /// <summary>Whether the target is a kernel thread (PF_KTHREAD), which nothing can trace.</summary>
    public bool TargetIsKernelThread { get; init; }

    /// <summary>Whether the watcher is an ancestor of the target (following real parents, as Yama does).</summary>
    public bool TargetIsDescendant { get; init; }

    /// <summary>TracerPid of the target thread: 0 when nothing traces it.</summary>
    public int TargetTracerPid { get; init; }

    /// <summary>The tracer's command name when <see cref="TargetTracerPid"/> is not 0.</summary>
    public string? TargetTracerName { get; init; }

    /// <summary>/proc/sys/kernel/yama/ptrace_scope (0 to 3), or null when the kernel has no Yama.</summary>
    public int? YamaPtraceScope { get; init; }

    /// <summary>Reads the facts for thread <paramref name="tid"/> of process <paramref name="pid"/>,
    /// as seen from the calling thread (the tracer: credentials are per thread).</summary>
    public static PtraceAccessFacts Read(int pid, int tid)
    {
        var target = Text($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task/{tid.ToString(CultureInfo.InvariantCulture)}/status");
        var tracer = target is null ? 0 : int.TryParse(ProcessCredentials.Field(target, "TracerPid:"), NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : 0;
        var stat = Stat(pid);
        return new PtraceAccessFacts
        {
            WatcherPid = Environment.ProcessId,
            Watcher = Text("/proc/thread-self/status") is { } own ? ProcessCredentials.FromStatus(own) : null,
            Target = target is null ? null : ProcessCredentials.FromStatus(target),
            TargetName = Text($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/comm")?.Trim() ?? "?",
            TargetIsKernelThread = stat is { } s && s.Length > 6 && uint.TryParse(s[6], NumberStyles.None, CultureInfo.InvariantCulture, out var flags) && (flags & KernelThreadFlag) != 0,
            TargetIsDescendant = IsDescendant(pid, Environment.ProcessId),
            TargetTracerPid = tracer,
            TargetTracerName = tracer == 0 ? null : Text($"/proc/{tracer.ToString(CultureInfo.InvariantCulture)}/comm")?.Trim(),
            YamaPtraceScope = int.TryParse(Text(YamaPtraceScopePath)?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var scope) ? scope : null,
        };
    }

    // The fields of /proc/PID/stat after "(comm) ": state, ppid, pgrp, session, tty_nr, tpgid, flags, ...
    private static string[]? Stat(int pid)
    {
        var stat = Text($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        var close = stat?.LastIndexOf(')') ?? -1;
        return stat is null || close < 0 || close + 2 >= stat.Length ? null : stat[(close + 2)..].Split(' ');
    }

    private static bool IsDescendant(int pid, int ancestor)
    {
        // Bounded: pids form a tree, but a pid reused while we walk could make a cycle.
        for (int current = pid, steps = 0; current > 0 && steps < 4096; steps++)
        {
            if (current == ancestor)
            {
                return true;
            }

            if (Stat(current) is not { Length: > 1 } fields || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out current))
            {
                return false;
            }
        }

        return false;
    }

    private static string? Text(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
