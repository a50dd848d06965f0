namespace Framework.Plugins.HwbpX86.Ptrace;

/// <summary>Why the kernel refused PTRACE_SEIZE with EPERM, in the order the kernel checks
/// (ptrace_attach, __ptrace_may_access, the capability LSM, Yama, the existing tracer).</summary>
public enum PtraceRefusalCause
{
    /// <summary>None of the causes /proc can show: the target is not dumpable, another LSM refused, or it changed while we looked.</summary>
    Unknown,

    /// <summary>The target is a kernel thread (PF_KTHREAD): nothing traces those.</summary>
    KernelThread,

    /// <summary>The target's real, effective or saved uid or gid is not the watcher's, and the watcher lacks CAP_SYS_PTRACE.</summary>
    OtherUser,

    /// <summary>The target holds permitted capabilities the watcher does not, and the watcher lacks CAP_SYS_PTRACE.</summary>
    MoreCapabilities,

    /// <summary>Yama ptrace_scope 1: the target is not a descendant of the watcher (nor named it with PR_SET_PTRACER), and the watcher lacks CAP_SYS_PTRACE.</summary>
    YamaRelational,

    /// <summary>Yama ptrace_scope 2: only CAP_SYS_PTRACE may attach, and the watcher lacks it.</summary>
    YamaAdminOnly,

    /// <summary>Yama ptrace_scope 3: nothing may attach, not even root, until reboot.</summary>
    YamaNoAttach,

    /// <summary>The target thread already has a tracer (TracerPid is not 0); a thread has one.</summary>
    AlreadyTraced,
}
