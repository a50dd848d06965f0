namespace Framework.Plugins.UserEvents.Backends;

/// <summary>
/// Where user_events go: the kernel (tracefs user_events_data, consumed by perf, ftrace and eBPF) or
/// the in-process backend with the same semantics on a kernel without user_events.
/// </summary>
public interface IUserEventsBackend
{
    /// <summary>"kernel" or "in-process".</summary>
    string Name { get; }

    /// <summary>Why this backend is the active one.</summary>
    string Reason { get; }

    /// <summary>Opens a data file on a group (null: the root group, system <c>user_events</c>).</summary>
    IUserEventsDataFile Open(string? group = null);

    /// <summary>The group's <c>user_events_status</c> text.</summary>
    string ReadStatus(string? group = null);

    /// <summary>The group's registered events with their fields (single- and multi-format systems).</summary>
    IReadOnlyList<UserEventInfo> ListEvents(string? group = null);

    /// <summary>Attaches a listener to the group's events whose tracepoint is <paramref name="filter"/>,
    /// or starts with <c>filter_</c> (an EventHeader provider's tracepoints), or all when null.
    /// Samples arrive on a backend thread until the result is disposed.</summary>
    IUserEventsListener Listen(string? filter, string? group, Action<UserEventSample> onSample);
}
