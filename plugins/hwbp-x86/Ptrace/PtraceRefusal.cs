using System.Globalization;
using Framework.Abstractions.Native;
using Framework.Plugins.HwbpX86.Native;

namespace Framework.Plugins.HwbpX86.Ptrace;

/// <summary>
/// The cause of an EPERM from PTRACE_SEIZE and what to do about it, told from the facts /proc shows
/// (<see cref="PtraceAccessFacts"/>): the kernel gives one errno for a kernel thread, another user's
/// process, a process with more capabilities, each of Yama's scopes and a thread already traced.
/// </summary>
/// <param name="Cause">The first check, in the kernel's order, that the facts say fails.</param>
/// <param name="Reason">The cause and the remedy, in words, naming the target and the values read.</param>
public sealed record PtraceRefusal(PtraceRefusalCause Cause, string Reason)
{
    private const string Perf = "or use --backend perf (perf_event_open, which Yama does not restrict)";
    private const string PerfOnly = "use --backend perf (perf_event_open, which Yama does not restrict)";

    private static readonly int SysPtrace = LinuxCapability.BitOf("CAP_SYS_PTRACE");

    /// <summary>Tells why attaching to thread <paramref name="tid"/> of <paramref name="pid"/> was
    /// refused, checking the causes in the order the kernel does.</summary>
    public static PtraceRefusal Classify(int pid, int tid, PtraceAccessFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var target = string.Create(CultureInfo.InvariantCulture, $"pid {pid} ({facts.TargetName})");
        if (facts.TargetIsKernelThread)
        {
            return new(PtraceRefusalCause.KernelThread, $"{target} is a kernel thread; kernel threads cannot be traced");
        }

        if (facts.Watcher is { } watcher && facts.Target is { } credentials)
        {
            var hasPtrace = watcher.HasEffective(SysPtrace);
            if (!hasPtrace && !SameUser(watcher, credentials))
            {
                return new(PtraceRefusalCause.OtherUser, string.Create(CultureInfo.InvariantCulture,
                    $"{target} runs as uid {Join(credentials.Uids)} gid {Join(credentials.Gids)} (real, effective, saved, fs) and this watcher as uid {watcher.Uid} gid {watcher.Gid}: tracing another user's process needs CAP_SYS_PTRACE; run the watch as that user or with CAP_SYS_PTRACE (e.g. as root)"));
            }

            var extra = credentials.PermittedCapabilities & ~watcher.PermittedCapabilities;
            if (!hasPtrace && extra != 0)
            {
                return new(PtraceRefusalCause.MoreCapabilities,
                    $"{target} holds capabilities this watcher does not ({LinuxCapability.Describe(extra)}), and tracing a process with more capabilities needs CAP_SYS_PTRACE; run the watch with those capabilities or with CAP_SYS_PTRACE");
            }

            var yama = string.Create(CultureInfo.InvariantCulture, $"Yama refuses it: {PtraceAccessFacts.YamaPtraceScopePath} is {facts.YamaPtraceScope}");
            switch (facts.YamaPtraceScope)
            {
                case >= 3:
                    return new(PtraceRefusalCause.YamaNoAttach,
                        $"{yama} (no attach: no process may attach, not even root, and the value cannot be lowered until reboot); {PerfOnly}");
                case 2 when !hasPtrace:
                    return new(PtraceRefusalCause.YamaAdminOnly,
                        $"{yama} (admin-only attach: only a process with CAP_SYS_PTRACE may attach) and this watcher lacks CAP_SYS_PTRACE; run the watch with CAP_SYS_PTRACE (e.g. as root), lower the scope as root (sysctl kernel.yama.ptrace_scope=1 with a descendant target, or 0), {Perf}");
                case 1 when !hasPtrace && !facts.TargetIsDescendant:
                    return new(PtraceRefusalCause.YamaRelational, string.Create(CultureInfo.InvariantCulture,
                        $"{yama} (restricted ptrace: without CAP_SYS_PTRACE only a descendant of the watcher, or a process that named it with prctl(PR_SET_PTRACER), may be attached) and {target} is not a descendant of this watcher (pid {facts.WatcherPid}); run the watch with CAP_SYS_PTRACE (e.g. as root), have the target call prctl(PR_SET_PTRACER, {facts.WatcherPid}) or prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY), set the scope to 0 as root (sysctl kernel.yama.ptrace_scope=0), {Perf}"));
            }
        }

        if (facts.TargetTracerPid != 0)
        {
            return new(PtraceRefusalCause.AlreadyTraced, string.Create(CultureInfo.InvariantCulture,
                $"{target} thread {tid} is already traced by pid {facts.TargetTracerPid} ({facts.TargetTracerName ?? "?"}), and a thread has one tracer; stop that debugger or watch first, or use --backend perf"));
        }

        return new(PtraceRefusalCause.Unknown, string.Create(CultureInfo.InvariantCulture,
            $"{target}: none of the causes /proc shows applies (same user, no extra capabilities, Yama ptrace_scope {facts.YamaPtraceScope?.ToString(CultureInfo.InvariantCulture) ?? "absent"}, not traced{(facts.Target is null ? "; its credentials were unreadable" : string.Empty)}); the target may not be dumpable (prctl(PR_SET_DUMPABLE, 0), or it gained privileges through a setuid or file-capability executable), or another security module (SELinux, AppArmor, Landlock) refused it; CAP_SYS_PTRACE overrides the first"));
    }

    /// <summary>The exception for the refused <paramref name="operation"/>: the cause, the remedy and
    /// this machine's facts, with errno EPERM.</summary>
    public NativeCallException ToException(string operation) =>
        new(operation, Errno.EPERM, $"{operation}: operation not permitted: {Reason} ({PermissionFacts.Describe()}) [EPERM]");

    // __ptrace_may_access: the watcher's real uid and gid must be the target's real, effective and saved ones.
    private static bool SameUser(ProcessCredentials watcher, ProcessCredentials target) =>
        target.Uids.Take(3).All(u => u == watcher.Uid) && target.Gids.Take(3).All(g => g == watcher.Gid);

    private static string Join(IReadOnlyList<uint> ids) => string.Join('/', ids);
}
