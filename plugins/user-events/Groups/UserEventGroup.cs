using System.Globalization;
using System.Text;
using Framework.Plugins.UserEvents.Definitions;

namespace Framework.Plugins.UserEvents.Groups;

/// <summary>
/// A group of events (the kernel's struct user_event_group): its own system name, registration table,
/// multi-format id, lock and reference count. Events of one group are invisible in another. The root
/// group serves the system <c>user_events</c> and lives as long as its registry; any other group goes
/// away with its last user (open file or attached consumer), and its events with it.
/// </summary>
public sealed class UserEventGroup
{
    private readonly Dictionary<string, List<UserEvent>> _table = new(StringComparer.Ordinal);
    private readonly UserEventGroupRegistry _registry;

    internal UserEventGroupRegistry Registry => _registry;
    private ulong _multiId;
    private int _users;

    internal UserEventGroup(UserEventGroupRegistry registry, string systemName, bool isRoot)
    {
        _registry = registry;
        SystemName = systemName;
        MultiSystemName = systemName + "_multi";
        IsRoot = isRoot;
    }

    /// <summary>The tracing system of its single-format events.</summary>
    public string SystemName { get; }

    /// <summary>The tracing system of its multi-format events (<c>user_events_multi</c> for the root).</summary>
    public string MultiSystemName { get; }

    /// <summary>Whether this is the root group, which never goes away.</summary>
    public bool IsRoot { get; }

    /// <summary>Whether the group still exists.</summary>
    public bool IsLive { get; private set; } = true;

    /// <summary>The group's lock (reg_mutex): serializes registration, deletion and file references
    /// within the group. Taken before the registry's event lock.</summary>
    internal object Lock { get; } = new();

    /// <summary>Its events, in no particular order.</summary>
    public IReadOnlyList<UserEvent> Events
    {
        get
        {
            lock (_table)
            {
                return [.. _table.Values.SelectMany(list => list)];
            }
        }
    }

    /// <summary>Opens a file on the group, as open(user_events_data) does; the file holds the group.</summary>
    public UserEventDataFile Open()
    {
        AddUser();
        return new UserEventDataFile(this);
    }

    /// <summary>Finds a live event by its tracepoint name.</summary>
    public UserEvent? Find(string tracepointName)
    {
        lock (_table)
        {
            return _table.Values.SelectMany(list => list).FirstOrDefault(e => e.TracepointName == tracepointName);
        }
    }

    /// <summary>The text of <c>user_events_status</c> for this group: one line per event with who uses
    /// it, then the Active and Busy counts.</summary>
    public string FormatStatus()
    {
        var text = new StringBuilder();
        int active = 0, busy = 0;
        foreach (var userEvent in Events)
        {
            text.Append(userEvent.TracepointName);
            var status = userEvent.Status;
            if (status != UserEventConsumerKind.None)
            {
                text.Append(" # Used by");
                if (status.HasFlag(UserEventConsumerKind.Ftrace))
                {
                    text.Append(" ftrace");
                }

                if (status.HasFlag(UserEventConsumerKind.Perf))
                {
                    text.Append(" perf");
                }

                if (status.HasFlag(UserEventConsumerKind.Other))
                {
                    text.Append(" other");
                }

                busy++;
            }

            text.Append('\n');
            active++;
        }

        text.Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"Active: {active}\n");
        text.Append(CultureInfo.InvariantCulture, $"Busy: {busy}\n");
        return text.ToString();
    }

    /// <summary>Looks up or creates an event (user_event_parse): the same name with the same fields
    /// is the same event; with other fields it is EADDRINUSE unless multi-format. Returns the event
    /// with a reference taken for the caller. Call under <see cref="Lock"/>.</summary>
    internal UserEvent FindOrCreate(string command, UserEventRegisterFlags flags)
    {
        if (!UserEventCommandParser.TrySplit(command, out var name, out var arguments, out var error))
        {
            throw error.ToException();
        }

        if (flags.HasFlag(UserEventRegisterFlags.Persist) && !_registry.IsPerfmonCapable)
        {
            throw new UserEventsException(UserEventsErrno.EPERM, $"event '{name}': a persistent event needs CAP_PERFMON or CAP_SYS_ADMIN");
        }

        var multi = flags.HasFlag(UserEventRegisterFlags.MultiFormat);
        UserEvent[] same;
        lock (_table)
        {
            same = _table.TryGetValue(name, out var list) ? [.. list] : [];
        }

        {
            foreach (var existing in same)
            {
                if (existing.Flags.HasFlag(UserEventRegisterFlags.MultiFormat) != multi)
                {
                    continue;
                }

                if (UserEventCommandParser.FieldsMatch(existing.Definition, arguments))
                {
                    lock (_registry.EventLock)
                    {
                        if (existing.IsLive)
                        {
                            existing.RefCount++;
                            return existing;
                        }
                    }

                    continue;
                }

                if (!multi)
                {
                    throw new UserEventsException(UserEventsErrno.EADDRINUSE, $"event '{name}' is registered in {SystemName} with other fields ({existing.Definition.Describe()}); use another name or the multi-format flag");
                }
            }
        }

        var definition = UserEventCommandParser.Parse(command);
        var tracepoint = multi ? string.Create(CultureInfo.InvariantCulture, $"{name}.{_multiId++:x}") : name;
        var created = _registry.CreateEvent(this, definition, tracepoint, flags);
        lock (_table)
        {
            if (!_table.TryGetValue(name, out var list))
            {
                _table[name] = list = [];
            }

            list.Add(created);
        }

        return created;
    }

    /// <summary>Deletes every event of the name that nothing references (delete_user_event). Call under <see cref="Lock"/>.</summary>
    internal void Delete(string name)
    {
        lock (_registry.EventLock)
        {
            UserEvent[] events;
            lock (_table)
            {
                events = _table.TryGetValue(name, out var list) ? [.. list] : [];
            }

            if (events.Length == 0)
            {
                throw new UserEventsException(UserEventsErrno.ENOENT, $"no event '{name}' in {SystemName}");
            }

            foreach (var userEvent in events)
            {
                if (!userEvent.IsLastReference)
                {
                    throw new UserEventsException(UserEventsErrno.EBUSY, $"event '{name}' is still in use ({userEvent.RefCount} references: registrations, enablers or consumers)");
                }

                if (userEvent.Flags.HasFlag(UserEventRegisterFlags.Persist) && !_registry.IsPerfmonCapable)
                {
                    throw new UserEventsException(UserEventsErrno.EPERM, $"event '{name}' persists; deleting it needs CAP_PERFMON or CAP_SYS_ADMIN");
                }

                Destroy(userEvent);
            }
        }
    }

    /// <summary>Drops a reference; a non-persistent event with none left is destroyed. Call under
    /// the registry's event lock.</summary>
    internal void Put(UserEvent userEvent)
    {
        userEvent.RefCount--;
        if (userEvent.RefCount == 0 && !userEvent.Flags.HasFlag(UserEventRegisterFlags.Persist) && userEvent.IsLive)
        {
            Destroy(userEvent);
        }
    }

    internal void AttachConsumer(UserEvent userEvent, IUserEventConsumer consumer, UserEventConsumerKind kind)
    {
        lock (_registry.EventLock)
        {
            if (!userEvent.IsLive)
            {
                throw new UserEventsException(UserEventsErrno.ENOENT, $"event '{userEvent.TracepointName}' was deleted");
            }

            userEvent.RefCount++;
            userEvent.AddConsumer(consumer, kind);
            _registry.UpdateEnablers(userEvent);
        }

        AddUser();
    }

    internal void DetachConsumer(UserEvent userEvent, IUserEventConsumer consumer)
    {
        lock (_registry.EventLock)
        {
            if (userEvent.RemoveConsumer(consumer))
            {
                _registry.UpdateEnablers(userEvent);
                if (userEvent.IsLive)
                {
                    Put(userEvent);
                }
            }
        }

        RemoveUser();
    }

    internal void AddUser()
    {
        lock (Lock)
        {
            if (!IsLive)
            {
                throw new UserEventsException(UserEventsErrno.ENOENT, $"group {SystemName} is gone");
            }

            _users++;
        }
    }

    internal void RemoveUser()
    {
        bool last;
        lock (Lock)
        {
            last = --_users == 0 && !IsRoot;
            if (last)
            {
                IsLive = false;
            }
        }

        if (last)
        {
            lock (_registry.EventLock)
            {
                foreach (var userEvent in Events)
                {
                    Destroy(userEvent);
                }
            }

            _registry.Remove(this);
        }
    }

    /// <summary>Removes the event from the table. Call under the registry's event lock; the table's
    /// own lock is a leaf, taken last and briefly.</summary>
    private void Destroy(UserEvent userEvent)
    {
        if (!userEvent.IsLive)
        {
            return;
        }

        userEvent.IsLive = false;
        lock (_table)
        {
            if (_table.TryGetValue(userEvent.Name, out var list))
            {
                list.Remove(userEvent);
                if (list.Count == 0)
                {
                    _table.Remove(userEvent.Name);
                }
            }
        }

        _registry.EventDestroyed(userEvent);
    }
}
