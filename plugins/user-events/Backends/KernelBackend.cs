using Framework.Plugins.UserEvents.Collector;
using Framework.Plugins.UserEvents.Kernel;
using Framework.Plugins.UserEvents.Native;

namespace Framework.Plugins.UserEvents.Backends;

/// <summary>
/// The kernel's user_events through tracefs, wherever it is mounted: registration and writes on
/// user_events_data (6.4+ ABI), status from user_events_status, formats from events/, and a live
/// collector over perf rings. The kernel serves one group, the root (<c>user_events</c>): in Linux
/// 6.4 to 6.12 trace_events_user.c keeps its registrations in groups, but
/// <c>current_user_event_group()</c> always returns the init group, whose system name is
/// <c>user_events</c> (and <c>user_events_multi</c> for multi-format events). Another group is
/// refused with EOPNOTSUPP naming the group and that reason (<see cref="RootOnly"/>), never mapped
/// onto the shared root where its events would be visible to everyone.
/// </summary>
public sealed class KernelBackend : IUserEventsBackend
{
    /// <summary>The two systems the root group's events live in.</summary>
    public static readonly string[] RootSystems = ["user_events", "user_events_multi"];

    /// <summary>Creates the backend for a tracefs mount that has user_events_data.</summary>
    public KernelBackend(string tracefs)
    {
        Tracefs = tracefs;
        DataPath = Path.Combine(tracefs, "user_events_data");
    }

    /// <summary>The tracefs mount.</summary>
    public string Tracefs { get; }

    /// <summary>user_events_data.</summary>
    public string DataPath { get; }

    /// <inheritdoc />
    public string Name => "kernel";

    /// <inheritdoc />
    public string Reason => $"the running kernel has user_events ({DataPath})";

    /// <inheritdoc />
    public IUserEventsDataFile Open(string? group = null)
    {
        CheckGroup(group);
        return new KernelDataFile(UserEventsDataFd.Open(DataPath));
    }

    /// <inheritdoc />
    public string ReadStatus(string? group = null)
    {
        CheckGroup(group);
        return File.ReadAllText(Path.Combine(Tracefs, "user_events_status"));
    }

    /// <inheritdoc />
    public IReadOnlyList<UserEventInfo> ListEvents(string? group = null)
    {
        var usedBy = ParseStatus(ReadStatus(group));
        return TracefsEventFormat.ReadAll(Tracefs, RootSystems)
            .Select(f => new UserEventInfo(f.System, f.Name, f.Definition, usedBy.GetValueOrDefault(f.Name, string.Empty)))
            .ToArray();
    }

    /// <inheritdoc />
    public IUserEventsListener Listen(string? filter, string? group, Action<UserEventSample> onSample)
    {
        CheckGroup(group);
        var formats = TracefsEventFormat.ReadAll(Tracefs, RootSystems, out var unreadable).Where(f => UserEventFilter.Matches(filter, f.Name)).ToArray();
        var skipped = unreadable.Where(u => UserEventFilter.Matches(filter, u[(u.IndexOf(':', StringComparison.Ordinal) + 1)..u.IndexOf(' ', StringComparison.Ordinal)])).ToArray();
        if (skipped.Length > 0)
        {
            // Never listen to fewer events than asked for without saying so: a registered event left
            // out here is one that is never enabled, so its writer silently emits nothing.
            throw new UserEventsException(UserEventsErrno.EIO, $"cannot listen to {string.Join(", ", skipped)}");
        }

        if (formats.Length == 0)
        {
            throw new UserEventsException(UserEventsErrno.ENOENT, filter is null
                ? $"no user_events are registered (nothing under {Tracefs}/events/user_events)"
                : $"no registered user_event matches '{filter}' (looked under {Tracefs}/events/user_events and user_events_multi)");
        }

        return new PerfTracepointCollector(formats, onSample);
    }

    /// <summary>user_events_status lines: "name # Used by ftrace perf" → "ftrace perf".</summary>
    internal static Dictionary<string, string> ParseStatus(string status)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in status.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("Active:", StringComparison.Ordinal) || line.StartsWith("Busy:", StringComparison.Ordinal))
            {
                continue;
            }

            var hash = line.IndexOf(" # Used by", StringComparison.Ordinal);
            map[hash < 0 ? line.Trim() : line[..hash]] = hash < 0 ? string.Empty : line[(hash + 10)..].Trim();
        }

        return map;
    }

    /// <summary>The error for a group other than the root: the kernel has no such isolation to offer.</summary>
    public static UserEventsException RootOnly(string group) => new(UserEventsErrno.EOPNOTSUPP,
        $"group '{group}': the running kernel's user_events has one group, the root ('user_events'): its "
        + "current_user_event_group() always returns the init group, a tracefs instance has no user_events_data of its own, "
        + "and tracefs mounted in another mount namespace is the same tracefs, so none of them isolates events; "
        + "leave --group out (or give 'user_events') for the root group, or use the in-process backend "
        + "(Plugins:user-events:Backend=in-process) for groups of your own");

    private static void CheckGroup(string? group)
    {
        if (group is not null && group != RootSystems[0])
        {
            throw RootOnly(group);
        }
    }
}
