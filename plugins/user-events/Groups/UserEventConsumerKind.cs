namespace Framework.Plugins.UserEvents.Groups;

/// <summary>Who is attached to an event; the kernel's status bits (EVENT_STATUS_*), which
/// <c>user_events_status</c> prints as "Used by ftrace perf other".</summary>
[Flags]
public enum UserEventConsumerKind : byte
{
    /// <summary>Nothing is attached.</summary>
    None = 0,

    /// <summary>EVENT_STATUS_FTRACE: the trace buffer (tracefs <c>enable</c>).</summary>
    Ftrace = 1 << 0,

    /// <summary>EVENT_STATUS_PERF: a perf event (perf_event_open on the tracepoint).</summary>
    Perf = 1 << 1,

    /// <summary>EVENT_STATUS_OTHER: any other probe (eBPF, an in-process listener).</summary>
    Other = 1 << 7,
}
