namespace Framework.Plugins.UserEvents.Definitions;

/// <summary>The limits trace_events_user.c enforces, in one place.</summary>
public static class UserEventLimits
{
    /// <summary>MAX_EVENT_DESC: the whole command (name, flags and fields) with its NUL terminator.
    /// This bounds the name's length and the number of fields.</summary>
    public const int MaxCommandBytes = 512;

    /// <summary>MAX_FIELD_ARRAY_SIZE: the largest <c>char[N]</c>.</summary>
    public const int MaxFieldArraySize = 1024;

    /// <summary>sizeof(struct trace_entry): common_type, common_flags, common_preempt_count, common_pid.
    /// Field offsets in a record start after it; __data_loc offsets count it.</summary>
    public const int CommonHeaderSize = 8;

    /// <summary>The write index that prefixes every write to user_events_data.</summary>
    public const int WriteIndexSize = 4;

    /// <summary>PERF_MAX_TRACE_SIZE: a record (common header plus payload, rounded up to 8) larger
    /// than this is dropped by the perf path; the in-process backend drops it the same way.</summary>
    public const int MaxRecordSize = 8192;

    /// <summary>The default of /proc/sys/kernel/user_events_max, the events the whole system may hold.</summary>
    public const int DefaultMaxEvents = 32768;

    /// <summary>A dynamic field's offset and size are 16-bit halves of its location.</summary>
    public const int MaxDynamicOffset = ushort.MaxValue;
}
