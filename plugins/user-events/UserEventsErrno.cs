namespace Framework.Plugins.UserEvents;

/// <summary>The errno values the kernel's user_events returns, with the same meanings; our errors
/// carry one so that the in-process backend and the kernel backend fail the same way.</summary>
public enum UserEventsErrno
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>Operation not permitted (a persistent event without CAP_PERFMON).</summary>
    EPERM = 1,

    /// <summary>No such event, write index or enabler.</summary>
    ENOENT = 2,

    /// <summary>I/O error: a tracefs file (an event's format) that could not be read or parsed.</summary>
    EIO = 5,

    /// <summary>Argument list too long (a structure or payload over its limit).</summary>
    E2BIG = 7,

    /// <summary>Write to an event that nothing has enabled.</summary>
    EBADF = 9,

    /// <summary>Out of memory.</summary>
    ENOMEM = 12,

    /// <summary>Bad address: a payload whose dynamic field points outside it or lacks its terminating NUL.</summary>
    EFAULT = 14,

    /// <summary>The event is still referenced.</summary>
    EBUSY = 16,

    /// <summary>Invalid argument: a malformed command, field, flag or write.</summary>
    EINVAL = 22,

    /// <summary>Too many events (user_events_max).</summary>
    EMFILE = 24,

    /// <summary>Not a user_events request.</summary>
    ENOTTY = 25,

    /// <summary>Operation not supported (a feature this backend lacks).</summary>
    EOPNOTSUPP = 95,

    /// <summary>The name is registered with other fields, or the enable address and bit are in use.</summary>
    EADDRINUSE = 98,
}
