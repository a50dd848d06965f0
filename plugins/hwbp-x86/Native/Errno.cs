namespace Framework.Plugins.HwbpX86.Native;

/// <summary>The Linux errno values that breakpoint registration, perf_event_open and ptrace report,
/// by their kernel names (the names <c>framework hwbp slots</c> prints).</summary>
public enum Errno
{
    /// <summary>No error: the step succeeded.</summary>
    None = 0,

    /// <summary>Operation not permitted (ptrace scope, a breakpoint in the kernel without CAP_SYS_ADMIN).</summary>
    EPERM = 1,

    /// <summary>No such file or directory.</summary>
    ENOENT = 2,

    /// <summary>No such process: the pid or thread id does not exist (or has exited).</summary>
    ESRCH = 3,

    /// <summary>Interrupted system call.</summary>
    EINTR = 4,

    /// <summary>I/O error.</summary>
    EIO = 5,

    /// <summary>Bad file descriptor.</summary>
    EBADF = 9,

    /// <summary>No child processes.</summary>
    ECHILD = 10,

    /// <summary>Try again.</summary>
    EAGAIN = 11,

    /// <summary>Out of memory.</summary>
    ENOMEM = 12,

    /// <summary>Permission denied (perf_event_paranoid, missing CAP_PERFMON).</summary>
    EACCES = 13,

    /// <summary>Bad address: a user breakpoint outside user space.</summary>
    EFAULT = 14,

    /// <summary>Device or resource busy: no free debug register when a breakpoint is installed.</summary>
    EBUSY = 16,

    /// <summary>No such device: the CPU is offline.</summary>
    ENODEV = 19,

    /// <summary>Invalid argument: a bad type, length, alignment or CPU.</summary>
    EINVAL = 22,

    /// <summary>No space left: every breakpoint slot the constraint allows is taken.</summary>
    ENOSPC = 28,

    /// <summary>Function not implemented.</summary>
    ENOSYS = 38,

    /// <summary>Operation not supported: a range breakpoint without AMD's breakpoint extension.</summary>
    EOPNOTSUPP = 95,
}
