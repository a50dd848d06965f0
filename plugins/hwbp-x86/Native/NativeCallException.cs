namespace Framework.Plugins.HwbpX86.Native;

/// <summary>A system call failed: carries the call and its errno, and says in plain words what is
/// missing when the errno means a missing privilege, a missing process or a full set of debug registers.</summary>
public sealed class NativeCallException : HwbpException
{
    /// <summary>Creates the exception.</summary>
    public NativeCallException()
    {
        Operation = string.Empty;
    }

    /// <summary>Creates the exception with a message.</summary>
    public NativeCallException(string message)
        : base(message)
    {
        Operation = string.Empty;
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public NativeCallException(string message, Exception innerException)
        : base(message, innerException)
    {
        Operation = string.Empty;
    }

    /// <summary>Creates the exception for a failed call.</summary>
    /// <param name="operation">The call and its salient arguments, such as <c>perf_event_open(pid 42)</c>.</param>
    /// <param name="errno">The errno it returned.</param>
    /// <param name="message">The full message.</param>
    public NativeCallException(string operation, Errno errno, string message)
        : base(errno, message)
    {
        Operation = operation;
    }

    /// <summary>The call that failed.</summary>
    public string Operation { get; }

    /// <summary>The message for <paramref name="errno"/> returned by <paramref name="operation"/>.</summary>
    public static NativeCallException For(string operation, Errno errno, string? detail = null)
    {
        var why = errno switch
        {
            Errno.ENOSPC => "out of debug registers: every breakpoint slot the kernel allows for this task and CPU is taken (x86 has 4, DR0 to DR3, shared by data and instruction breakpoints; a debugger, or an earlier ptrace watch, keeps its slots on a thread until the thread exits or execs)",
            Errno.EACCES => $"permission denied: watching another process needs CAP_PERFMON (or CAP_SYS_ADMIN), or a lower /proc/sys/kernel/perf_event_paranoid ({PermissionFacts.Describe()})",
            Errno.EPERM => $"operation not permitted: the target belongs to another user, or ptrace is restricted (/proc/sys/kernel/yama/ptrace_scope, CAP_SYS_PTRACE) ({PermissionFacts.Describe()})",
            Errno.ESRCH => "no such process (it does not exist or has exited)",
            Errno.ENOENT => "the kernel has no breakpoint PMU (CONFIG_HAVE_HW_BREAKPOINT is off)",
            Errno.ENODEV => "the CPU is offline or the kernel cannot program breakpoints here",
            Errno.EINVAL => "the kernel refused the breakpoint's attributes (type, length, alignment or address)",
            Errno.EOPNOTSUPP => "not supported by this CPU or kernel",
            Errno.ENOSYS => "perf_event_open is not available in this kernel",
            Errno.EBUSY => "no free debug register",
            _ => errno.ToString(),
        };
        return new NativeCallException(operation, errno, $"{operation}: {why}{(detail is null ? string.Empty : " (" + detail + ")")} [{errno}]");
    }
}
